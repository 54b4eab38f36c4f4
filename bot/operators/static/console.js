// Perimeter operator console: vanilla JS, no build step, no external resources. The login,
// session, API call, notices and strings both staff pages share come from /staff/static/staff.js.
// All server-provided text is inserted with textContent only, never as HTML.
"use strict";

(() => {
  const WS_PATH = "/operator/ws";
  const MAX_LEN = 4000;                                 // reply limit, in code points like the server
  const SUMMARY_PREVIEW = 140;                          // queue item summary, in code points
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 10000];   // reconnect delays, capped at 10 s
  // Waiting times change once a second; checking 4x a second keeps them within 250 ms of the truth
  // (a plain 1 s interval can lag a full second behind). The DOM is written only when the text changes.
  const TICK_MS = 250;
  const OPERATORS_REFRESH_MS = 30000;                   // supervisor's operator list (no live events for it)
  const OPERATORS_DEBOUNCE_MS = 1000;
  const WORKING_STATUSES = ["assigned", "active"];

  const STRINGS = {
    ru: {
      title: "Периметр — консоль оператора",
      loginTitle: "Вход для операторов",
      sessionEnded: "Сеанс завершён. Войдите снова — набранный ответ сохранён.",
      online: "В сети",
      offline: "Нет связи — переподключаемся…",
      queueTitle: "Очередь",
      queueEmpty: "Очередь пуста.",
      operatorsTitle: "Операторы",
      detailLabel: "Обращение",
      sidebarLabel: "Очередь",
      selectPrompt: "Выберите обращение в очереди слева.",
      actionsGroup: "Действия с обращением",
      take: "Взять в работу",
      handback: "Вернуть боту",
      resolve: "Решено",
      assign: "Назначить",
      assignLabel: "Назначить оператору",
      assignPrompt: "— оператор —",
      transcriptTitle: "Переписка",
      transcriptEmpty: "Сообщений пока нет.",
      replyLabel: "Ответ клиенту",
      replyPlaceholder: "Текст ответа клиенту…",
      replyHint: "Enter — отправить, Shift+Enter — новая строка, / — шаблоны, ? — все клавиши",
      send: "Отправить",
      summaryTitle: "Сводка бота",
      customerTitle: "Клиент",
      passagesTitle: "Фрагменты, найденные ботом",
      passagesEmpty: "Бот не нашёл фрагментов.",
      kbTitle: "Поиск по базе знаний",
      kbLabel: "Запрос к базе знаний",
      kbPlaceholder: "Например: лимит по карте",
      kbSearch: "Найти",
      kbSearching: "Ищем…",
      kbEmpty: "Ничего не найдено.",
      insert: "Вставить в ответ",
      actionsTitle: "Действия бота",
      actionsEmpty: "Действий не было.",
      statuses: { queued: "В очереди", assigned: "Назначено", active: "В работе", resolved: "Закрыто" },
      channels: { webchat: "Веб-чат", telegram: "Telegram" },
      authors: { customer: "Клиент", bot: "Бот", operator: "Оператор" },
      reasons: {
        customer_request: "Клиент просит оператора",
        low_confidence: "Нет уверенного ответа в базе знаний",
        model_abstained: "Модель не нашла ответа",
        ungrounded_answer: "Ответ не подтверждён источниками",
        model_unavailable: "Модель недоступна",
        knowledge_unavailable: "База знаний недоступна",
        core_unavailable: "АБС недоступна",
        complaint: "Жалоба / недовольство",
        fraud: "Оспаривание операции / мошенничество",
        repeated_failure: "Два неудачных ответа подряд",
      },
      summarySources: { model: "сводка модели", extractive: "извлечённые фразы клиента" },
      resolutions: { handed_back: "возвращено боту", resolved: "решено", callback: "обратный звонок", expired: "истекло" },
      priorityHigh: "Высокий приоритет",
      unread: "Новое сообщение",
      unassigned: "Не назначено",
      waiting: (d) => `Ждёт ${d}`,
      waited: (d) => `Ожидание: ${d}`,
      operatorIs: (n) => `Оператор: ${n}`,
      createdAt: (d) => `Создано ${d}`,
      conversation: (id) => `Диалог ${id}`,
      detailTitle: (id) => `Обращение №${id}`,
      csat: (n) => `Оценка клиента: ${n}`,
      resolution: (r) => `Итог: ${r}`,
      customerVerified: "Клиент идентифицирован",
      customerAnonymous: "Клиент не идентифицирован",
      fieldName: "Имя",
      fieldCustomerId: "ID клиента",
      fieldPhone: "Телефон",
      fieldCards: "Карты",
      operatorOnline: "в сети",
      operatorOffline: "не в сети",
      openCount: (n) => `открыто: ${n}`,
      taken: "Обращение ваше — можно отвечать клиенту.",
      handedBack: "Обращение возвращено боту.",
      resolvedDone: "Обращение закрыто как решённое.",
      assignedTo: (n) => `Обращение назначено: ${n}.`,
      assignedToMe: "Обращение назначено вам.",
      takenByOther: (n) => `Обращение ведёт другой оператор: ${n}.`,
      closedNotice: "Обращение закрыто — доступен только просмотр.",
      takeFirst: "Чтобы ответить, сначала возьмите обращение в работу.",
      emptyReply: "Введите текст ответа.",
      tooLong: (n) => `Ответ слишком длинный: ${n} из ${MAX_LEN} символов.`,
      sendFailed: "Сообщение не отправлено — нет связи с сервером. Текст остался в поле ввода.",
      networkError: "Сервер недоступен. Проверьте связь и повторите.",
      newHandoff: "● Новое обращение",
      newHighHandoff: "● Срочное обращение",
      codes: {
        bad_credentials: "Неверный логин или пароль.",
        locked: "Слишком много неудачных попыток входа. Попробуйте позже.",
        already_taken: "Обращение уже взял другой оператор.",
      },
      httpStatus: {
        403: "Нет доступа к этому обращению.",
        404: "Обращение не найдено.",
        409: "Обращение уже изменилось.",
        422: "Проверьте введённые данные.",
      },
      httpError: (s) => `Ошибка сервера (${s}).`,
    },
    en: {
      title: "Perimeter — operator console",
      loginTitle: "Operator sign-in",
      sessionEnded: "Your session has ended. Sign in again — your draft reply is kept.",
      online: "Online",
      offline: "No connection — reconnecting…",
      queueTitle: "Queue",
      queueEmpty: "The queue is empty.",
      operatorsTitle: "Operators",
      detailLabel: "Conversation",
      sidebarLabel: "Queue",
      selectPrompt: "Select a conversation in the queue on the left.",
      actionsGroup: "Conversation actions",
      take: "Take",
      handback: "Hand back to bot",
      resolve: "Resolved",
      assign: "Assign",
      assignLabel: "Assign to operator",
      assignPrompt: "— operator —",
      transcriptTitle: "Transcript",
      transcriptEmpty: "No messages yet.",
      replyLabel: "Reply to the customer",
      replyPlaceholder: "Your reply to the customer…",
      replyHint: "Enter sends, Shift+Enter adds a new line, / canned responses, ? all keys",
      send: "Send",
      summaryTitle: "Bot summary",
      customerTitle: "Customer",
      passagesTitle: "Passages the bot found",
      passagesEmpty: "The bot found no passages.",
      kbTitle: "Knowledge base search",
      kbLabel: "Knowledge base query",
      kbPlaceholder: "E.g. card limit",
      kbSearch: "Search",
      kbSearching: "Searching…",
      kbEmpty: "Nothing found.",
      insert: "Insert into reply",
      actionsTitle: "Bot actions",
      actionsEmpty: "No actions.",
      statuses: { queued: "Queued", assigned: "Assigned", active: "Active", resolved: "Closed" },
      channels: { webchat: "Web chat", telegram: "Telegram" },
      authors: { customer: "Customer", bot: "Bot", operator: "Operator" },
      reasons: {
        customer_request: "Customer asked for an operator",
        low_confidence: "No confident answer in the knowledge base",
        model_abstained: "The model found no answer",
        ungrounded_answer: "Answer not supported by sources",
        model_unavailable: "Model unavailable",
        knowledge_unavailable: "Knowledge base unavailable",
        core_unavailable: "Core banking unavailable",
        complaint: "Complaint / dissatisfaction",
        fraud: "Disputed transaction / fraud",
        repeated_failure: "Two failed answers in a row",
      },
      summarySources: { model: "model summary", extractive: "customer's phrases, extracted" },
      resolutions: { handed_back: "handed back to the bot", resolved: "resolved", callback: "call back", expired: "expired" },
      priorityHigh: "High priority",
      unread: "New message",
      unassigned: "Unassigned",
      waiting: (d) => `Waiting ${d}`,
      waited: (d) => `Waited ${d}`,
      operatorIs: (n) => `Operator: ${n}`,
      createdAt: (d) => `Created ${d}`,
      conversation: (id) => `Conversation ${id}`,
      detailTitle: (id) => `Handoff #${id}`,
      csat: (n) => `Customer rating: ${n}`,
      resolution: (r) => `Outcome: ${r}`,
      customerVerified: "Customer identified",
      customerAnonymous: "Customer not identified",
      fieldName: "Name",
      fieldCustomerId: "Customer ID",
      fieldPhone: "Phone",
      fieldCards: "Cards",
      operatorOnline: "online",
      operatorOffline: "offline",
      openCount: (n) => `open: ${n}`,
      taken: "The conversation is yours — you can reply now.",
      handedBack: "The conversation was handed back to the bot.",
      resolvedDone: "The conversation was closed as resolved.",
      assignedTo: (n) => `Assigned to ${n}.`,
      assignedToMe: "The conversation was assigned to you.",
      takenByOther: (n) => `Another operator has this conversation: ${n}.`,
      closedNotice: "The conversation is closed — read only.",
      takeFirst: "Take the conversation first to reply.",
      emptyReply: "Type a reply first.",
      tooLong: (n) => `The reply is too long: ${n} of ${MAX_LEN} characters.`,
      sendFailed: "The message was not sent — no connection to the server. The text is still in the box.",
      networkError: "The server is unreachable. Check the connection and try again.",
      newHandoff: "● New conversation",
      newHighHandoff: "● Urgent conversation",
      codes: {
        bad_credentials: "Wrong login or password.",
        locked: "Too many failed sign-in attempts. Try again later.",
        already_taken: "Another operator has already taken this conversation.",
      },
      httpStatus: {
        403: "You have no access to this conversation.",
        404: "Conversation not found.",
        409: "The conversation has already changed.",
        422: "Check what you entered.",
      },
      httpError: (s) => `Server error (${s}).`,
    },
  };

  // Login, session, the API call, notices and the strings both staff pages use: staff.js.
  const staff = PerimeterStaff.create({
    api: "/operator/api",
    client: "perimeter-console",
    root: "console",
    strings: STRINGS,
    onLogin: startConsole,
    onSessionEnded: () => {
      saveDraft();
      stopSocket();
      stopTimers();
    },
    onLogout: () => {
      stopSocket();
      stopTimers();
      resetWorkspace();
    },
  });
  const {
    t, el, button, label, parseDate, formatTime, timeNode, api, setNotice, showApiError,
    showDetailPlaceholder, showDetailBody,
  } = staff;

  const $ = (id) => document.getElementById(id);
  const els = {
    connection: $("connection"),
    queue: $("queue"), queueEmpty: $("queue-empty"), queueCount: $("queue-count"),
    operators: $("operators"), operatorsList: $("operators-list"),
    detail: $("detail"), detailBody: $("detail-body"),
    detailTitle: $("detail-title"), detailBadges: $("detail-badges"), reason: $("reason"), detailMeta: $("detail-meta"),
    take: $("take"), handback: $("handback"), resolve: $("resolve"), assignSelect: $("assign-select"), assign: $("assign"),
    transcript: $("transcript"), transcriptEmpty: $("transcript-empty"),
    replyForm: $("reply-form"), replyInput: $("reply-input"), replySend: $("reply-send"), replyCounter: $("reply-counter"),
    summary: $("summary"), summarySource: $("summary-source"), customer: $("customer"),
    passages: $("passages"), passagesEmpty: $("passages-empty"),
    kbForm: $("kb-form"), kbInput: $("kb-search-input"), kbSearch: $("kb-search"), kbStatus: $("kb-status"), kbResults: $("kb-results"),
    actions: $("actions"), actionsEmpty: $("actions-empty"),
  };

  // The one piece of mutable state.
  const state = {
    queue: new Map(),       // handoff id -> {h, createdClient (ms, client clock), node, waitingEl}
    queueLoaded: false,
    queueToken: 0,          // ignores stale GET /queue answers
    eventBuffer: null,      // events held back while a queue snapshot is loading
    unread: new Set(),      // handoff ids with customer messages not yet seen
    detailId: null,         // handoff open in the detail pane
    detail: null,           // its GET /handoffs/{id} answer, kept current by events
    detailToken: 0,
    detailBuffer: null,     // messages that arrive while the detail is loading
    messageIds: new Set(),  // message ids shown in the transcript (de-duplication)
    drafts: new Map(),      // handoff id -> unsent reply text
    sending: false,
    busy: false,            // take / handback / resolve / assign in flight
    kbToken: 0,
    operators: [],
    lastEventId: null,      // highest live event id seen
    ws: null,
    wsAttempt: 0,
    wsTimer: null,
    helloSeen: false,
    snapshotOnHello: false,
    timers: { tick: null, operators: null, operatorsDebounce: null, flash: null },
  };

  // ---------- small helpers ----------

  // Count like the server: len(text.strip()) in Python counts code points, not UTF-16 units.
  const charCount = (s) => [...s.trim()].length;
  const isSupervisor = () => staff.me !== null && staff.me.role === "supervisor";
  const pad = (n) => String(n).padStart(2, "0");

  function preview(text, limit) {
    const chars = [...(text || "")];
    return chars.length > limit ? `${chars.slice(0, limit).join("").trimEnd()}…` : chars.join("");
  }

  function formatDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  }

  function operatorName(h) {
    return h.operator_display || h.operator || "";
  }

  // ---------- session ----------

  // Signed in (staff.js has shown the console and the user's name).
  // The console's other modules (console-inbox.js, console-alerts.js) follow it through these
  // DOM events and act through window.PerimeterConsole below.
  const emit = (name, detail) => document.dispatchEvent(new CustomEvent(`perimeter:${name}`, { detail }));

  function startConsole() {
    document.querySelectorAll(".supervisor-only").forEach((n) => { n.hidden = !isSupervisor(); });
    emit("signed-in", staff.me);
    startTimers();
    loadQueue();
    connectSocket();
    if (isSupervisor()) loadOperators();
    if (state.detailId !== null) openDetail(state.detailId, { keepNotice: false });
    updateControls();
  }

  // Forget everything that belongs to a session (logout, or another user signing in).
  function resetWorkspace() {
    state.queue.forEach((entry) => entry.node.remove());
    state.queue.clear();
    state.unread.clear();
    state.queueLoaded = false;
    state.queueToken += 1;
    state.eventBuffer = null;
    state.drafts.clear();
    state.operators = [];
    state.lastEventId = null;
    els.operatorsList.replaceChildren();
    els.assignSelect.replaceChildren();
    closeDetail();
    els.replyInput.value = "";
    setNotice("");
    arrangeQueue();
    emit("signed-out", null);
  }

  function startTimers() {
    stopTimers();
    state.timers.tick = setInterval(tickWaiting, TICK_MS);
    if (isSupervisor()) state.timers.operators = setInterval(loadOperators, OPERATORS_REFRESH_MS);
  }

  function stopTimers() {
    clearInterval(state.timers.tick);
    clearInterval(state.timers.operators);
    clearTimeout(state.timers.operatorsDebounce);
    state.timers.tick = state.timers.operators = state.timers.operatorsDebounce = null;
  }

  // ---------- queue ----------

  function keepInQueue(h) {
    if (h.status === "resolved") return false;
    const someoneElse = h.operator && staff.me && h.operator !== staff.me.name;
    return !(someoneElse && h.status !== "queued" && !isSupervisor());
  }

  // Client-clock moment of creation, from waiting_s and the time we received it (immune to clock skew).
  function estimateCreated(h) {
    if (typeof h.waiting_s === "number" && Number.isFinite(h.waiting_s)) return Date.now() - h.waiting_s * 1000;
    const d = parseDate(h.created_at);
    return d ? d.getTime() : Date.now();
  }

  function compareEntries(a, b) {
    const pa = a.h.priority === "high" ? 0 : 1;
    const pb = b.h.priority === "high" ? 0 : 1;
    if (pa !== pb) return pa - pb;
    const ca = parseDate(a.h.created_at)?.getTime() ?? a.createdClient;
    const cb = parseDate(b.h.created_at)?.getTime() ?? b.createdClient;
    return ca - cb || a.h.id - b.h.id;
  }

  // An event about a handoff that became someone else's may carry only {id, status, operator}:
  // a new operator without a display name must not keep the previous one's.
  function normalizeHandoff(h) {
    if ("operator" in h && !("operator_display" in h)) return { ...h, operator_display: null };
    return h;
  }

  // Insert or update one handoff (merged over what we know); the caller re-sorts with arrangeQueue().
  function upsertHandoff(update) {
    if (!update || typeof update.id !== "number") return;
    const previous = state.queue.get(update.id);
    const h = previous ? { ...previous.h, ...normalizeHandoff(update) } : update;
    if (!keepInQueue(h)) {
      removeEntry(h.id);
      return;
    }
    const createdClient = estimateCreated(h);
    let entry = previous;
    if (!entry) {
      entry = { h, createdClient, node: createQueueNode(h.id), waitingEl: null };
      state.queue.set(h.id, entry);
    } else {
      entry.h = h;
      // Replayed events carry an older waiting_s: the earliest estimate is the right one.
      entry.createdClient = Math.min(entry.createdClient, createdClient);
    }
    renderQueueItem(entry);
  }

  function removeEntry(id) {
    const entry = state.queue.get(id);
    if (!entry) return;
    entry.node.remove();
    state.queue.delete(id);
    state.unread.delete(id);
  }

  function replaceQueue(handoffs) {
    const seen = new Set();
    for (const h of handoffs) {
      if (!h || typeof h.id !== "number") continue;
      upsertHandoff(h);
      seen.add(h.id);
    }
    for (const id of [...state.queue.keys()]) if (!seen.has(id)) removeEntry(id);
    state.queueLoaded = true;
    arrangeQueue();
  }

  function createQueueNode(id) {
    const li = el("li", "queue-item");
    li.dataset.handoffId = String(id);
    li.appendChild(button("queue-open item-open"));
    return li;
  }

  function renderQueueItem(entry) {
    const { h, node } = entry;
    const mine = Boolean(staff.me && h.operator === staff.me.name);
    node.dataset.status = h.status || "";
    node.dataset.priority = h.priority || "normal";
    node.classList.toggle("mine", mine);
    node.classList.toggle("unread", state.unread.has(h.id));
    node.classList.toggle("selected", h.id === state.detailId);

    const badges = el("span", "badges");
    if (h.priority === "high") badges.appendChild(el("span", "badge badge-high priority-high", t.priorityHigh));
    badges.appendChild(el("span", `badge badge-status status-${h.status}`, label(t.statuses, h.status)));
    badges.appendChild(el("span", "badge badge-channel", label(t.channels, h.channel)));
    if (state.unread.has(h.id)) badges.appendChild(el("span", "badge badge-unread", t.unread));

    const meta = el("span", "queue-meta");
    entry.waitingEl = el("span", "waiting", waitingText(entry));
    entry.waitingEl.setAttribute("aria-live", "off"); // ticks every second: don't announce it
    const who = operatorName(h);
    meta.append(entry.waitingEl, el("span", "operator", who ? t.operatorIs(who) : t.unassigned));
    const customer = h.customer || {};
    const customerText = customer.name || (customer.authenticated ? t.customerVerified : t.customerAnonymous);

    const open = node.querySelector(".queue-open");
    open.setAttribute("aria-current", h.id === state.detailId ? "true" : "false");
    open.replaceChildren(
      badges,
      el("span", "reason", label(t.reasons, h.reason)),
      el("span", "summary", preview(h.summary, SUMMARY_PREVIEW)),
      el("span", "customer-name", customerText),
      meta,
    );
  }

  // The server stops the clock when someone takes the handoff (waiting_s = time to pick-up),
  // so only queued handoffs keep counting.
  function waitingText(entry) {
    const { status, waiting_s: frozen } = entry.h;
    if (status !== "queued" && typeof frozen === "number") return t.waited(formatDuration(frozen));
    return t.waiting(formatDuration((Date.now() - entry.createdClient) / 1000));
  }

  function tickWaiting() {
    state.queue.forEach((entry) => {
      const text = waitingText(entry);
      if (entry.waitingEl && entry.waitingEl.textContent !== text) entry.waitingEl.textContent = text;
    });
  }

  // Put the list nodes in sorted order, moving only the ones that are out of place.
  function arrangeQueue() {
    const sorted = [...state.queue.values()].sort(compareEntries);
    sorted.forEach((entry, i) => {
      const current = els.queue.children[i];
      if (current !== entry.node) els.queue.insertBefore(entry.node, current || null);
    });
    while (els.queue.children.length > sorted.length) els.queue.lastElementChild.remove();
    els.queueEmpty.hidden = !state.queueLoaded || sorted.length > 0;
    els.queueCount.textContent = state.queueLoaded ? `(${sorted.length})` : "";
  }

  function refreshQueueItem(id) {
    const entry = state.queue.get(id);
    if (entry) renderQueueItem(entry);
  }

  // Events that arrive while the snapshot is loading are applied after it, in order.
  async function loadQueue() {
    const token = ++state.queueToken;
    if (!state.eventBuffer) state.eventBuffer = [];
    try {
      const data = await api("GET", "/queue");
      if (token === state.queueToken) replaceQueue(Array.isArray(data && data.handoffs) ? data.handoffs : []);
    } catch (err) {
      if (token === state.queueToken) showApiError(err);
    } finally {
      if (token === state.queueToken) flushEventBuffer();
    }
  }

  function flushEventBuffer() {
    const buffered = state.eventBuffer || [];
    state.eventBuffer = null;
    buffered.forEach(applyEvent);
  }

  // Queue and detail pane both follow a fresh H.
  function applyHandoff(h, fromEvent = false) {
    if (!h || typeof h.id !== "number") return;
    const wasQueued = state.queue.has(h.id);
    upsertHandoff(h);
    arrangeQueue();
    mergeIntoDetail(h, fromEvent);
    if (fromEvent && !wasQueued && state.queue.has(h.id)) {
      announceNew(h);
      emit("new-handoff", h);
    }
  }

  function onQueueClick(event) {
    const li = event.target.closest("li.queue-item");
    if (!li || !els.queue.contains(li)) return;
    // event.detail === 0: activated from the keyboard, so move focus to the opened conversation;
    // so does a tap when the panes are stacked (the conversation is below the queue).
    openDetail(Number(li.dataset.handoffId), { focus: event.detail === 0 || staff.isStacked() });
  }

  // ---------- new handoff: title flashing ----------

  function announceNew(h) {
    if (document.hasFocus() && !document.hidden) return;
    stopFlash();
    const text = h.priority === "high" ? t.newHighHandoff : t.newHandoff;
    let on = false;
    state.timers.flash = setInterval(() => {
      on = !on;
      document.title = on ? text : t.title;
    }, 1000);
  }

  function stopFlash() {
    clearInterval(state.timers.flash);
    state.timers.flash = null;
    document.title = t.title;
  }

  // ---------- detail pane ----------

  function saveDraft() {
    if (state.detailId === null) return;
    const text = els.replyInput.value;
    if (text.trim()) state.drafts.set(state.detailId, text);
    else state.drafts.delete(state.detailId);
  }

  function setDetailAttributes() {
    if (state.detailId === null) {
      delete els.detail.dataset.handoffId;
      delete els.detail.dataset.status;
      return;
    }
    const status = state.detail ? state.detail.status : state.queue.get(state.detailId)?.h.status;
    els.detail.dataset.handoffId = String(state.detailId);
    els.detail.dataset.status = status || "";
  }

  function markSelected() {
    state.queue.forEach((entry) => {
      const selected = entry.h.id === state.detailId;
      entry.node.classList.toggle("selected", selected);
      entry.node.querySelector(".queue-open").setAttribute("aria-current", selected ? "true" : "false");
    });
  }

  function closeDetail() {
    state.detailToken += 1;
    state.detailId = null;
    state.detail = null;
    state.detailBuffer = null;
    state.messageIds = new Set();
    els.transcript.replaceChildren();
    resetKb();
    showDetailPlaceholder(t.selectPrompt);
    setDetailAttributes();
    markSelected();
    updateControls();
    emit("detail", null);
  }

  // Open (or, for the same id, refresh) a handoff in the detail pane.
  async function openDetail(id, { focus = false, keepNotice = false } = {}) {
    if (!Number.isFinite(id)) return;
    const switching = state.detailId !== id;
    if (switching) {
      saveDraft();
      state.detail = null;
      state.messageIds = new Set();
      els.transcript.replaceChildren();
      els.replyInput.value = state.drafts.get(id) || "";
      resetKb();
      showDetailPlaceholder(t.loading);
    }
    const token = ++state.detailToken;
    state.detailId = id;
    state.detailBuffer = [];
    if (!keepNotice) setNotice("");
    state.unread.delete(id);
    refreshQueueItem(id);
    setDetailAttributes();
    markSelected();
    updateControls();

    let data;
    try {
      data = await api("GET", `/handoffs/${encodeURIComponent(id)}`);
    } catch (err) {
      if (token !== state.detailToken) return;
      state.detailBuffer = null;
      if (!state.detail) showDetailPlaceholder("");
      showApiError(err);
      return;
    }
    if (token !== state.detailToken) return;
    state.detail = data;
    const buffered = state.detailBuffer || [];
    state.detailBuffer = null;
    renderDetail();
    buffered.forEach((m) => appendMessage(m));
    if (focus) els.detailTitle.focus();
  }

  function renderDetail() {
    showDetailBody();
    renderHandoffFields();
    renderActions(state.detail.actions);
    renderPassages(els.passages, els.passagesEmpty, state.detail.passages);
    renderTranscript(state.detail.messages);
    updateControls();
    emit("detail", state.detail);
  }

  // Everything that comes with H (and may change with a live update).
  function renderHandoffFields() {
    const d = state.detail;
    els.detailTitle.textContent = t.detailTitle(d.id);
    setDetailAttributes();

    const badges = [];
    if (d.priority === "high") badges.push(el("span", "badge badge-high", t.priorityHigh));
    badges.push(el("span", `badge badge-status status-${d.status}`, label(t.statuses, d.status)));
    badges.push(el("span", "badge badge-channel", label(t.channels, d.channel)));
    if (d.resolution) badges.push(el("span", "badge", t.resolution(label(t.resolutions, d.resolution))));
    if (d.csat != null) badges.push(el("span", "badge", t.csat(d.csat)));
    els.detailBadges.replaceChildren(...badges);

    els.reason.textContent = label(t.reasons, d.reason);
    const who = operatorName(d);
    els.detailMeta.replaceChildren(
      el("span", null, t.createdAt(formatTime(d.created_at))),
      el("span", null, who ? t.operatorIs(who) : t.unassigned),
      el("span", "conversation-id", t.conversation(d.conversation_id || "")),
    );

    els.summary.textContent = d.summary || "";
    els.summarySource.textContent = d.summary_source ? label(t.summarySources, d.summary_source) : "";
    els.summarySource.dataset.source = d.summary_source || "";
    renderCustomer(d.customer);
  }

  function renderCustomer(customer) {
    const c = customer || {};
    const verified = c.authenticated === true;
    const box = [el("p", `identity ${verified ? "verified" : "anonymous"}`, verified ? t.customerVerified : t.customerAnonymous)];
    const fields = el("dl", "fields");
    const add = (name, value) => {
      if (value == null || value === "") return;
      fields.append(el("dt", null, name), el("dd", null, value));
    };
    add(t.fieldName, c.name);
    add(t.fieldCustomerId, c.customer_id);
    add(t.fieldPhone, c.phone);
    if (Array.isArray(c.cards) && c.cards.length) add(t.fieldCards, c.cards.join(", "));
    if (fields.children.length) box.push(fields);
    els.customer.replaceChildren(...box);
  }

  function renderActions(actions) {
    const list = Array.isArray(actions) ? actions : [];
    els.actions.replaceChildren(...list.map((a) => {
      const li = el("li", "action");
      li.append(timeNode(a.at), el("span", "action-name", a.action || ""), el("span", "action-outcome", a.outcome || ""));
      return li;
    }));
    els.actionsEmpty.hidden = list.length > 0;
  }

  function renderPassages(listEl, emptyEl, passages) {
    const list = Array.isArray(passages) ? passages : [];
    listEl.replaceChildren(...list.map(passageNode));
    if (emptyEl) emptyEl.hidden = list.length > 0;
    updateControls();
  }

  function passageNode(p) {
    const li = el("li", "passage");
    const heading = el("div", "passage-title", p.title || p.doc_id || "");
    if (p.section) heading.appendChild(el("span", "passage-section", ` — ${p.section}`));
    const insert = button("insert secondary", t.insert, `${t.insert}: ${p.title || p.doc_id || ""}`);
    insert.addEventListener("click", () => insertIntoReply(p.text || ""));
    li.append(heading, el("div", "passage-text", p.text || ""), insert);
    return li;
  }

  function insertIntoReply(text) {
    const box = els.replyInput;
    if (box.disabled || box.readOnly || !text) return;
    const current = box.value.replace(/\s+$/, "");
    box.value = current ? `${current}\n\n${text}` : text;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    box.scrollTop = box.scrollHeight;
    updateCounter();
  }

  // ---------- transcript ----------

  function renderTranscript(messages) {
    els.transcript.setAttribute("aria-busy", "true"); // don't re-read the whole history aloud
    state.messageIds = new Set();
    els.transcript.replaceChildren();
    (Array.isArray(messages) ? messages : []).forEach((m) => appendMessage(m, false));
    els.transcript.removeAttribute("aria-busy");
    els.transcript.scrollTop = els.transcript.scrollHeight;
    els.transcriptEmpty.hidden = state.messageIds.size > 0;
  }

  function appendMessage(m, scroll = true) {
    if (!m || m.id == null) return;
    const key = String(m.id);
    if (state.messageIds.has(key)) return; // the POST answer and the socket may both deliver it
    state.messageIds.add(key);
    const box = els.transcript;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.appendChild(messageNode(m));
    els.transcriptEmpty.hidden = true;
    if (scroll && (nearBottom || m.role === "operator")) box.scrollTop = box.scrollHeight;
  }

  function messageNode(m) {
    const role = ["customer", "bot", "operator"].includes(m.role) ? m.role : "bot";
    const node = el("div", `msg ${role}`);
    node.dataset.messageId = String(m.id);
    const author = role === "bot" ? t.authors.bot : m.author || t.authors[role];
    const meta = el("div", "msg-meta");
    meta.append(el("span", "msg-author", author), timeNode(m.created_at));
    node.append(meta, el("div", "msg-text", m.text || ""));
    return node;
  }

  // ---------- live changes to the open handoff ----------

  function mergeIntoDetail(h, fromEvent) {
    const d = state.detail;
    if (!d || d.id !== h.id) {
      if (h.id === state.detailId) setDetailAttributes();
      return;
    }
    const before = { status: d.status, operator: d.operator };
    const fields = normalizeHandoff({ ...h });
    delete fields.messages;
    delete fields.passages;
    delete fields.actions;
    fields.customer = { ...(d.customer || {}), ...(h.customer || {}) }; // H carries a shorter customer block
    Object.assign(d, fields);
    renderHandoffFields();
    updateControls();
    if (fromEvent) noticeChange(before, d);
  }

  function noticeChange(before, d) {
    const me = staff.me ? staff.me.name : null;
    if (d.status === "resolved" && before.status !== "resolved") setNotice(t.closedNotice, "info");
    else if (d.operator && d.operator !== before.operator) {
      setNotice(d.operator === me ? t.assignedToMe : t.takenByOther(operatorName(d)), "info");
    }
  }

  // ---------- controls ----------

  function canWork() {
    const d = state.detail;
    return Boolean(d && staff.me && d.operator === staff.me.name && WORKING_STATUSES.includes(d.status));
  }

  function updateControls() {
    const d = state.detail;
    const open = Boolean(d && d.status !== "resolved");
    const working = canWork();
    // Only a queued conversation can be taken; a supervisor moves an owned one with «Назначить».
    const takeable = open && d.status === "queued";
    els.take.disabled = !takeable || state.busy;
    els.handback.disabled = !working || state.busy;
    els.resolve.disabled = !working || state.busy;
    els.replySend.disabled = !working || state.busy || state.sending;
    els.assign.disabled = !isSupervisor() || !open || state.busy || !els.assignSelect.value;
    els.replyInput.disabled = Boolean(d) && !open;
    els.replyInput.readOnly = state.sending;
    els.detailBody.querySelectorAll("button.insert").forEach((b) => { b.disabled = els.replyInput.disabled; });
    updateCounter();
  }

  function updateCounter() {
    const n = charCount(els.replyInput.value);
    els.replyCounter.textContent = `${n} / ${MAX_LEN}`;
    els.replyCounter.classList.toggle("over-limit", n > MAX_LEN);
  }

  // ---------- actions ----------

  async function handoffAction(id, action, body) {
    state.busy = true;
    updateControls();
    try {
      return await api("POST", `/handoffs/${encodeURIComponent(id)}/${action}`, body);
    } finally {
      state.busy = false;
      updateControls();
    }
  }

  async function take() {
    const id = state.detailId;
    if (id === null) return;
    try {
      applyHandoff(await handoffAction(id, "take"));
      if (state.detailId !== id) return;
      setNotice(t.taken, "ok");
      els.replyInput.focus();
    } catch (err) {
      showApiError(err);
      if (err.status === 409) {
        loadQueue();
        if (state.detailId === id) openDetail(id, { keepNotice: true });
      }
    }
  }

  async function finish(action, doneText) {
    const id = state.detailId;
    if (id === null) return;
    try {
      const h = await handoffAction(id, action);
      applyHandoff(h);
      if (h && h.status === "resolved") {
        state.drafts.delete(id);
        if (state.detailId === id) els.replyInput.value = "";
      }
      if (state.detailId === id) setNotice(doneText, "ok");
      updateControls();
    } catch (err) {
      showApiError(err);
      if (err.status === 409 && state.detailId === id) openDetail(id, { keepNotice: true });
    }
  }

  async function assign() {
    const id = state.detailId;
    const operator = els.assignSelect.value;
    if (id === null || !operator) return;
    try {
      const h = await handoffAction(id, "assign", { operator });
      applyHandoff(h);
      if (state.detailId === id) setNotice(t.assignedTo(operatorName(h || {}) || operator), "ok");
      loadOperators();
    } catch (err) {
      showApiError(err);
      if (err.status === 409 && state.detailId === id) openDetail(id, { keepNotice: true });
    }
  }

  async function sendReply() {
    const id = state.detailId;
    if (id === null || state.sending) return;
    if (!canWork()) {
      if (state.detail && state.detail.status !== "resolved") setNotice(t.takeFirst, "info");
      return;
    }
    const text = els.replyInput.value.trim();
    if (!text) {
      setNotice(t.emptyReply, "error");
      return;
    }
    const n = charCount(text);
    if (n > MAX_LEN) {
      setNotice(t.tooLong(n), "error");
      return;
    }
    state.sending = true;
    updateControls();
    try {
      const data = await api("POST", `/handoffs/${encodeURIComponent(id)}/messages`, { text });
      state.drafts.delete(id);
      if (state.detailId === id) {
        els.replyInput.value = "";
        setNotice("");
        if (data && data.message) appendMessage(data.message);
      }
    } catch (err) {
      // The text stays in the box (or in the drafts, if the operator switched away meanwhile).
      if (err.status === 0) setNotice(t.sendFailed, "error");
      else showApiError(err);
      if (err.status === 409 && state.detailId === id) openDetail(id, { keepNotice: true });
    } finally {
      state.sending = false;
      updateControls();
      if (state.detailId === id && !els.replyInput.disabled) els.replyInput.focus();
    }
  }

  function onReplyKeydown(event) {
    if (event.defaultPrevented) return; // taken by another module (the canned responses' list)
    // Enter sends, Shift+Enter inserts a newline; ignore Enter while an IME is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendReply();
    }
  }

  // ---------- knowledge base ----------

  function resetKb() {
    state.kbToken += 1;
    els.kbInput.value = "";
    els.kbStatus.textContent = "";
    els.kbSearch.disabled = false;
    els.kbResults.replaceChildren();
  }

  async function searchKb(event) {
    event.preventDefault();
    const q = els.kbInput.value.trim();
    if (!q) {
      els.kbInput.focus();
      return;
    }
    const token = ++state.kbToken;
    els.kbSearch.disabled = true;
    els.kbStatus.textContent = t.kbSearching;
    try {
      const data = await api("GET", `/kb/search?q=${encodeURIComponent(q)}`);
      if (token !== state.kbToken) return;
      const passages = Array.isArray(data && data.passages) ? data.passages : [];
      renderPassages(els.kbResults, null, passages);
      els.kbStatus.textContent = passages.length ? "" : t.kbEmpty;
    } catch (err) {
      if (token === state.kbToken) els.kbStatus.textContent = err.status === 401 ? "" : err.message;
    } finally {
      if (token === state.kbToken) els.kbSearch.disabled = false;
    }
  }

  // ---------- supervisor: operators ----------

  async function loadOperators() {
    if (!isSupervisor()) return;
    try {
      const data = await api("GET", "/operators");
      state.operators = Array.isArray(data && data.operators) ? data.operators : [];
      renderOperators();
    } catch (err) {
      showApiError(err);
    }
  }

  function scheduleOperatorsRefresh() {
    if (!isSupervisor()) return;
    clearTimeout(state.timers.operatorsDebounce);
    state.timers.operatorsDebounce = setTimeout(loadOperators, OPERATORS_DEBOUNCE_MS);
  }

  function renderOperators() {
    els.operatorsList.replaceChildren(...state.operators.map((op) => {
      const li = el("li", `operator ${op.online ? "online" : "offline"}`);
      li.dataset.name = op.name;
      li.append(
        el("span", "operator-name", op.display_name || op.name),
        el("span", "operator-state", op.online ? t.operatorOnline : t.operatorOffline),
        el("span", "operator-role", label(t.roles, op.role)),
        el("span", "operator-load", t.openCount(op.open_handoffs ?? 0)),
      );
      return li;
    }));
    renderAssignOptions();
  }

  function renderAssignOptions() {
    const previous = els.assignSelect.value;
    const prompt = el("option", null, t.assignPrompt);
    prompt.value = "";
    const options = state.operators.map((op) => {
      const option = el("option", null, `${op.display_name || op.name} (${op.online ? t.operatorOnline : t.operatorOffline})`);
      option.value = op.name;
      return option;
    });
    els.assignSelect.replaceChildren(prompt, ...options);
    if (state.operators.some((op) => op.name === previous)) els.assignSelect.value = previous;
    updateControls();
  }

  // ---------- live updates ----------

  function setConnection(online) {
    els.connection.dataset.state = online ? "online" : "offline";
    els.connection.textContent = online ? t.online : t.offline;
  }

  function connectSocket() {
    clearTimeout(state.wsTimer);
    state.wsTimer = null;
    if (!staff.me) return;
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const after = state.lastEventId;
    const url = `${proto}://${location.host}${WS_PATH}` + (after === null ? "" : `?after=${encodeURIComponent(after)}`);
    state.snapshotOnHello = after === null;
    state.helloSeen = false;
    let sock;
    try {
      sock = new WebSocket(url);
    } catch {
      scheduleReconnect();
      return;
    }
    state.ws = sock;
    sock.onmessage = (ev) => { if (state.ws === sock) onFrame(ev.data); };
    sock.onclose = (ev) => onSocketClose(sock, ev);
    // onerror is always followed by onclose, which handles the reconnect.
  }

  function onSocketClose(sock, ev) {
    if (state.ws !== sock) return; // closed deliberately
    state.ws = null;
    setConnection(false);
    if (ev.code === 4401) {
      staff.sessionEnded();
      return;
    }
    if (!staff.me) return;
    // A handshake refused with HTTP 401 looks like a plain 1006 close: ask /me (a 401 there ends the session).
    if (!state.helloSeen) api("GET", "/me").catch(() => {});
    scheduleReconnect();
  }

  function scheduleReconnect() {
    clearTimeout(state.wsTimer);
    const delay = BACKOFF_MS[Math.min(state.wsAttempt, BACKOFF_MS.length - 1)];
    state.wsAttempt += 1;
    state.wsTimer = setTimeout(connectSocket, delay);
  }

  function stopSocket() {
    clearTimeout(state.wsTimer);
    state.wsTimer = null;
    state.wsAttempt = 0;
    const sock = state.ws;
    state.ws = null; // makes its onclose a no-op
    if (sock) sock.close(1000);
    setConnection(false);
  }

  function onFrame(raw) {
    let frame;
    try { frame = JSON.parse(raw); } catch { return; }
    if (!frame || typeof frame !== "object") return;
    if (frame.type === "hello") onHello(frame);
    else if (frame.type === "event") onEvent(frame);
  }

  function onHello(frame) {
    state.helloSeen = true;
    state.wsAttempt = 0;
    setConnection(true);
    const serverLast = Number(frame.last_event_id);
    if (!Number.isFinite(serverLast)) return;
    const restarted = state.lastEventId !== null && serverLast < state.lastEventId;
    if (state.snapshotOnHello || restarted) {
      // First connect (nothing to replay from) or the server's event log started over: take a fresh snapshot.
      state.lastEventId = serverLast;
      loadQueue();
      if (state.detailId !== null && restarted) openDetail(state.detailId, { keepNotice: true });
    }
  }

  function onEvent(frame) {
    const id = Number(frame.id);
    if (!Number.isFinite(id)) return;
    if (state.lastEventId !== null && id <= state.lastEventId) return; // already applied
    state.lastEventId = id;
    if (state.eventBuffer) state.eventBuffer.push(frame);
    else applyEvent(frame);
  }

  function applyEvent(frame) {
    if ((frame.kind === "handoff_opened" || frame.kind === "handoff_updated") && frame.handoff) {
      applyHandoff(frame.handoff, true);
      scheduleOperatorsRefresh();
    } else if (frame.kind === "message") {
      if (frame.handoff) applyHandoff(frame.handoff, true); // keeps status (e.g. "active") current
      if (frame.message) onMessageEvent(Number(frame.handoff_id), frame.message);
    }
  }

  function onMessageEvent(handoffId, message) {
    if (handoffId === state.detailId) {
      if (state.detailBuffer) state.detailBuffer.push(message);
      else appendMessage(message);
      return;
    }
    if (message.role === "customer" && state.queue.has(handoffId)) {
      state.unread.add(handoffId);
      refreshQueueItem(handoffId);
    }
  }

  // ---------- wiring ----------

  function wire() {
    els.queue.addEventListener("click", onQueueClick);
    els.take.addEventListener("click", take);
    els.handback.addEventListener("click", () => finish("handback", t.handedBack));
    els.resolve.addEventListener("click", () => finish("resolve", t.resolvedDone));
    els.assign.addEventListener("click", assign);
    els.assignSelect.addEventListener("change", updateControls);
    els.replyForm.addEventListener("submit", (e) => { e.preventDefault(); sendReply(); });
    els.replyInput.addEventListener("keydown", onReplyKeydown);
    els.replyInput.addEventListener("input", updateCounter);
    els.kbForm.addEventListener("submit", searchKb);
    window.addEventListener("focus", stopFlash);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) stopFlash(); });
  }

  window.PerimeterConsole = Object.freeze({
    staff,
    get detail() { return state.detail; },        // the open handoff (GET /handoffs/{id}), or null
    canWork,                                      // the open handoff is mine and open
    insertIntoReply,
    replaceReplyToken(token, text) {              // «/привет» at the caret becomes the text
      const box = els.replyInput;
      const at = box.value.lastIndexOf(token);
      if (at < 0) { insertIntoReply(text); return; }
      box.value = box.value.slice(0, at) + text + box.value.slice(at + token.length);
      box.focus();
      const end = at + text.length;
      box.setSelectionRange(end, end);
      updateCounter();
    },
    take, handBack: () => finish("handback", t.handedBack), resolve: () => finish("resolve", t.resolvedDone),
    focusReply: () => { if (!els.replyInput.disabled) els.replyInput.focus(); },
    openDetail: (id) => openDetail(Number(id), { focus: true }),
  });

  setConnection(false);
  wire();
  updateControls();
  staff.start();
})();
