// Perimeter supervisor dashboard: the figures of a period from GET /operator/api/dashboard,
// drawn with uPlot (served locally). Every chart has a text summary for screen readers, and
// the table «По дням» holds every figure. Server text goes in with textContent only.
"use strict";

(() => {
  const STRINGS = {
    ru: {
      title: "Панель супервизора",
      loginTitle: "Вход для супервизоров",
      navLabel: "Разделы",
      toConsole: "Очередь обращений",
      periodTitle: "Период",
      from: "С",
      to: "По",
      show: "Показать",
      csv: "Скачать CSV",
      totalsTitle: "Итого за период",
      topicsTitle: "Вопросы без ответа",
      topicsEmpty: "Все вопросы периода получили ответ.",
      daysTitle: "По дням",
      daysTable: "Таблица по дням",
      onlySupervisors: "Панель доступна только супервизорам.",
      networkError: "Сервер недоступен.",
      sessionEnded: "Сеанс завершён, войдите снова.",
      httpStatus: {},
      httpError: (s) => `Ошибка сервера (${s}).`,
      noData: "нет данных",
      asked: (n) => `${n} раз`,
      charts: {
        containment: "Решено без оператора, %",
        routes: "Ответы бота по маршрутам",
        reasons: "Передачи оператору по причинам",
        waits: "Ожидание оператора и первый ответ (медиана), с",
        csat: "Оценка операторов (CSAT, 1–5)",
        withoutModel: "Ответы из FAQ и кэша, % ответов",
        helpful: "Ответы с 👍, % оценённых",
      },
      series: {
        containment: "без оператора", wait: "ожидание", firstReply: "первый ответ",
        csat: "CSAT", withoutModel: "FAQ и кэш", helpful: "👍",
      },
      totals: {
        conversations: "Диалогов", handedOff: "Передано операторам", containment: "Решено без оператора",
        answers: "Ответов из базы знаний", withoutModel: "Из них из FAQ и кэша", csat: "CSAT",
        helpful: "👍 / 👎",
      },
      columns: ["День", "Диалогов", "Передано", "Без оператора", "Ответов", "FAQ и кэш",
        "Ожидание, с", "Первый ответ, с", "CSAT", "👍", "👎"],
      routes: {
        answer: "ответ по базе", smalltalk: "разговор", out_of_scope: "не по теме", handoff: "передача",
        auth_required: "нужен вход", action: "операция", clarify: "уточнение", operator: "оператор",
      },
      reasons: {
        customer_request: "просьба клиента", low_confidence: "нет ответа в базе",
        model_abstained: "модель не ответила", ungrounded_answer: "ответ не подтвердился",
        repeated_failure: "повторные неудачи", complaint: "жалоба", fraud: "мошенничество",
        core_unavailable: "АБС недоступна", knowledge_unavailable: "база знаний недоступна",
        model_busy: "модель занята", model_unavailable: "модель недоступна",
      },
    },
    en: {
      title: "Supervisor dashboard",
      loginTitle: "Supervisor sign-in",
      navLabel: "Sections",
      toConsole: "Conversation queue",
      periodTitle: "Period",
      from: "From",
      to: "To",
      show: "Show",
      csv: "Download CSV",
      totalsTitle: "Period totals",
      topicsTitle: "Unanswered questions",
      topicsEmpty: "Every question of the period was answered.",
      daysTitle: "By day",
      daysTable: "Table by day",
      onlySupervisors: "The dashboard is for supervisors only.",
      networkError: "The server is unreachable.",
      sessionEnded: "The session has ended; sign in again.",
      httpStatus: {},
      httpError: (s) => `Server error (${s}).`,
      noData: "no data",
      asked: (n) => `${n} times`,
      charts: {
        containment: "Resolved without an operator, %",
        routes: "Bot replies by route",
        reasons: "Handoffs by reason",
        waits: "Wait for an operator and first reply (median), s",
        csat: "Operator rating (CSAT, 1–5)",
        withoutModel: "Answers from the FAQ and cache, % of answers",
        helpful: "Answers rated 👍, % of rated",
      },
      series: {
        containment: "without an operator", wait: "wait", firstReply: "first reply",
        csat: "CSAT", withoutModel: "FAQ and cache", helpful: "👍",
      },
      totals: {
        conversations: "Conversations", handedOff: "Handed to operators", containment: "Resolved without an operator",
        answers: "Knowledge answers", withoutModel: "Of them from the FAQ and cache", csat: "CSAT",
        helpful: "👍 / 👎",
      },
      columns: ["Day", "Conversations", "Handed off", "Without operator", "Answers", "FAQ and cache",
        "Wait, s", "First reply, s", "CSAT", "👍", "👎"],
      routes: {
        answer: "knowledge answer", smalltalk: "small talk", out_of_scope: "out of scope", handoff: "handoff",
        auth_required: "login needed", action: "account action", clarify: "clarifying", operator: "operator",
      },
      reasons: {
        customer_request: "customer's request", low_confidence: "not in the KB",
        model_abstained: "model abstained", ungrounded_answer: "answer not confirmed",
        repeated_failure: "repeated failures", complaint: "complaint", fraud: "fraud",
        core_unavailable: "core banking down", knowledge_unavailable: "KB down",
        model_busy: "model busy", model_unavailable: "model down",
      },
    },
  };
  // Colours that keep 3:1 against white (charts are graphics: WCAG 1.4.11).
  const PALETTE = ["#0b5cad", "#b3261e", "#1e7a3c", "#8a4b00", "#6b3fa0", "#00707a", "#a0306e", "#4d5a6b"];

  const staff = PerimeterStaff.create({
    api: "/operator/api",
    client: "perimeter-console",
    root: "dashboard",
    strings: STRINGS,
    onLogin: started,
    onLogout: clear,
  });
  const { t, el, label, lang, api, setNotice, showApiError } = staff;
  const $ = (id) => document.getElementById(id);
  const els = {
    form: $("period"), from: $("from"), to: $("to"), csv: $("csv"), totals: $("totals"),
    charts: $("charts"), topics: $("topics"), topicsEmpty: $("topics-empty"), days: $("days"),
  };
  let plots = [];

  const isoDay = (d) => d.toISOString().slice(0, 10);
  const percent = (x) => (x == null ? null : Math.round(x * 1000) / 10);
  const number = (x, digits = 0) => (x == null ? "—" : x.toLocaleString(lang, { maximumFractionDigits: digits }));
  const sum = (days, f) => days.reduce((n, d) => n + (f(d) || 0), 0);
  const keysOf = (days, f) => [...new Set(days.flatMap((d) => Object.keys(f(d) || {})))].sort();

  function defaultPeriod() {
    const today = new Date();
    const week = new Date(today.getTime() - 6 * 86400000);
    els.from.value = isoDay(week);
    els.to.value = isoDay(today);
  }

  function query() {
    return `from=${encodeURIComponent(els.from.value)}&to=${encodeURIComponent(els.to.value)}`;
  }

  function clear() {
    sizes.disconnect();
    plots.forEach((p) => p.destroy());
    plots = [];
    els.charts.replaceChildren();
    els.totals.replaceChildren();
    els.topics.replaceChildren();
    els.days.replaceChildren();
  }

  function started(me) {
    if (me.role !== "supervisor") {
      setNotice(t.onlySupervisors);
      els.form.hidden = true;
      return;
    }
    els.form.hidden = false;
    load();
  }

  async function load() {
    setNotice("");
    els.csv.href = `/operator/api/dashboard.csv?${query()}`;
    let data;
    try {
      data = await api("GET", `/dashboard?${query()}`);
    } catch (err) {
      showApiError(err);
      return;
    }
    clear();
    draw(data);
  }

  // ---------- drawing ----------

  function draw(data) {
    const days = Array.isArray(data.days) ? data.days : [];
    totals(days);
    const xs = days.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
    const routes = keysOf(days, (d) => d.replies_by_route);
    const reasons = keysOf(days, (d) => d.handoffs_by_reason);
    const rated = (d) => d.helpful + d.unhelpful;
    chart("containment", t.charts.containment, xs, [
      { label: t.series.containment, values: days.map((d) => percent(d.containment)) },
    ]);
    chart("routes", t.charts.routes, xs, routes.map((r) => ({
      label: label(t.routes, r), values: days.map((d) => (d.replies_by_route || {})[r] || 0),
    })));
    chart("reasons", t.charts.reasons, xs, reasons.map((r) => ({
      label: label(t.reasons, r), values: days.map((d) => (d.handoffs_by_reason || {})[r] || 0),
    })));
    chart("waits", t.charts.waits, xs, [
      { label: t.series.wait, values: days.map((d) => d.median_wait_s) },
      { label: t.series.firstReply, values: days.map((d) => d.median_first_reply_s) },
    ]);
    chart("csat", t.charts.csat, xs, [{ label: t.series.csat, values: days.map((d) => d.csat_average) }]);
    chart("without-model", t.charts.withoutModel, xs, [
      { label: t.series.withoutModel, values: days.map((d) => percent(d.without_model)) },
    ]);
    chart("helpful", t.charts.helpful, xs, [
      { label: t.series.helpful, values: days.map((d) => (rated(d) ? percent(d.helpful / rated(d)) : null)) },
    ]);
    topics(Array.isArray(data.unanswered) ? data.unanswered : []);
    table(days);
  }

  // A chart with its title, and what it shows in words (canvas is invisible to screen readers).
  function chart(id, title, xs, series) {
    const figure = el("figure", "chart");
    figure.id = `chart-${id}`;
    const caption = el("figcaption", "chart-title", title);
    const plot = el("div", "plot");
    plot.setAttribute("role", "img");
    const described = series.map((s) => {
      const known = s.values.filter((v) => v != null);
      const last = known.length ? number(known[known.length - 1], 1) : t.noData;
      return `${s.label}: ${last}`;
    });
    plot.setAttribute("aria-label", `${title}. ${described.join("; ") || t.noData}`);
    figure.append(caption, plot);
    els.charts.appendChild(figure);
    figure.dataset.series = String(series.length);
    if (!series.length || !xs.length) {
      plot.appendChild(el("p", "placeholder", t.noData));
      return;
    }
    const options = {
      width: fit(plot),
      height: 200,
      scales: { x: { time: true } },
      legend: { live: false },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2,
          points: { show: true, size: 6 }, spanGaps: false,
        })),
      ],
      axes: [{ space: 60 }, { size: 50 }],
    };
    const drawn = new uPlot(options, [xs, ...series.map((s) => s.values)], plot);
    plots.push(drawn);
    sizes.observe(plot);
  }

  // Each chart as wide as its box, now and whenever the box changes (a phone turned, a pane).
  const fit = (box) => Math.max(240, Math.floor(box.getBoundingClientRect().width) || 480);
  const sizes = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const drawn = plots.find((p) => p.root.parentElement === entry.target);
      if (drawn && fit(entry.target) !== drawn.width) drawn.setSize({ width: fit(entry.target), height: 200 });
    }
  });

  function totals(days) {
    const conversations = sum(days, (d) => d.conversations);
    const handed = sum(days, (d) => d.handed_off);
    const answers = sum(days, (d) => Object.values(d.answers_by_source || {}).reduce((a, b) => a + b, 0));
    const free = sum(days, (d) => (d.answers_by_source || {}).faq) + sum(days, (d) => (d.answers_by_source || {}).cache);
    const ratings = sum(days, (d) => d.csat_count);
    const csat = ratings ? sum(days, (d) => (d.csat_average || 0) * d.csat_count) / ratings : null;
    const pct = (a, b) => (b ? `${number((100 * a) / b, 1)} %` : "—");
    const rows = [
      [t.totals.conversations, number(conversations)],
      [t.totals.handedOff, number(handed)],
      [t.totals.containment, pct(conversations - handed, conversations)],
      [t.totals.answers, number(answers)],
      [t.totals.withoutModel, pct(free, answers)],
      [t.totals.csat, csat == null ? "—" : number(csat, 2)],
      [t.totals.helpful, `${sum(days, (d) => d.helpful)} / ${sum(days, (d) => d.unhelpful)}`],
    ];
    for (const [name, value] of rows) {
      const item = el("div", "total");
      item.append(el("dt", null, name), el("dd", null, value));
      els.totals.appendChild(item);
    }
  }

  function topics(list) {
    els.topicsEmpty.hidden = list.length > 0;
    for (const topic of list) {
      const item = el("li", "topic");
      item.append(el("span", "topic-example", String(topic.example || "")), el("span", "topic-count", t.asked(topic.count)));
      els.topics.appendChild(item);
    }
  }

  function table(days) {
    const head = el("thead");
    const row = el("tr");
    for (const name of t.columns) {
      const th = el("th", null, name);
      th.scope = "col";
      row.appendChild(th);
    }
    head.appendChild(row);
    const body = el("tbody");
    for (const d of days) {
      const answers = Object.values(d.answers_by_source || {}).reduce((a, b) => a + b, 0);
      const cells = [
        d.day, number(d.conversations), number(d.handed_off),
        d.containment == null ? "—" : `${number(percent(d.containment), 1)} %`,
        number(answers), d.without_model == null ? "—" : `${number(percent(d.without_model), 1)} %`,
        number(d.median_wait_s), number(d.median_first_reply_s), number(d.csat_average, 2),
        number(d.helpful), number(d.unhelpful),
      ];
      const tr = el("tr");
      cells.forEach((value, i) => {
        const cell = el(i === 0 ? "th" : "td", null, value);
        if (i === 0) cell.scope = "row";
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    }
    els.days.append(head, body);
  }

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!els.from.value || !els.to.value) return;
    load();
  });

  defaultPeriod();
  staff.start();
})();
