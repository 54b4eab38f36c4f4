// Perimeter operator console, the alerts module: browser notifications and an optional sound
// for new handoffs (a different one for high priority), the operator's status (on duty or
// away: automatic assignment skips those away), and keyboard shortcuts. The choices stay in
// this browser (localStorage); nothing of a customer goes into a notification but the reason.
"use strict";

(() => {
  const STRINGS = {
    ru: {
      statusLabel: "Статус",
      statusOnline: "на месте",
      statusAway: "отошёл",
      alerts: "Уведомления",
      sound: "Звук",
      shortcutsHelp: "Клавиши",
      shortcutsTitle: "Клавиши",
      notificationsBlocked: "Браузер запретил уведомления: разрешите их в настройках сайта.",
      newHandoff: "Новое обращение",
      newHigh: "Срочное обращение",
      statusSaved: (away) => (away ? "Вы отошли: новые обращения вам не назначаются." : "Вы на месте."),
      keys: [
        ["Alt+T", "взять обращение"],
        ["Alt+R", "перейти к ответу"],
        ["Alt+B", "вернуть боту"],
        ["Alt+D", "решено"],
        ["Alt+N", "заметка"],
        ["Alt+F", "поиск по диалогам"],
        ["Alt+↑ / Alt+↓", "предыдущее / следующее обращение в очереди"],
        ["/ в ответе", "шаблоны ответов (↑ ↓, Enter — вставить, Esc — закрыть)"],
        ["Enter / Shift+Enter", "отправить ответ / новая строка"],
        ["?", "эта подсказка"],
      ],
    },
    en: {
      statusLabel: "Status",
      statusOnline: "on duty",
      statusAway: "away",
      alerts: "Notifications",
      sound: "Sound",
      shortcutsHelp: "Keys",
      shortcutsTitle: "Keyboard shortcuts",
      notificationsBlocked: "The browser blocks notifications: allow them in the site's settings.",
      newHandoff: "New conversation",
      newHigh: "Urgent conversation",
      statusSaved: (away) => (away ? "You are away: no new conversations are assigned to you." : "You are on duty."),
      keys: [
        ["Alt+T", "take the conversation"],
        ["Alt+R", "go to the reply"],
        ["Alt+B", "hand back to the bot"],
        ["Alt+D", "resolved"],
        ["Alt+N", "note"],
        ["Alt+F", "search conversations"],
        ["Alt+↑ / Alt+↓", "previous / next conversation in the queue"],
        ["/ in the reply", "canned responses (↑ ↓, Enter inserts, Esc closes)"],
        ["Enter / Shift+Enter", "send / new line"],
        ["?", "this help"],
      ],
    },
  };
  const PREFS = "perimeter.console.alerts"; // {notify: bool, sound: bool}

  const ui = window.PerimeterConsole;
  const { staff } = ui;
  const { api, setNotice, showApiError, label } = staff;
  const own = staff.translate(STRINGS);
  const $ = (id) => document.getElementById(id);
  const els = {
    status: $("my-status"), alerts: $("alerts"), sound: $("sound"), help: $("shortcuts-help"),
    helpDialog: $("shortcuts-dialog"), helpClose: $("shortcuts-close"), helpList: $("shortcuts-list"),
    queue: $("queue"), noteInput: $("note-input"),
  };

  const prefs = (() => {
    try { return { notify: false, sound: false, ...JSON.parse(localStorage.getItem(PREFS) || "{}") }; } catch { return { notify: false, sound: false }; }
  })();
  const savePrefs = () => { try { localStorage.setItem(PREFS, JSON.stringify(prefs)); } catch { /* private mode */ } };

  // ---------- notifications and sound ----------

  function showPrefs() {
    const granted = "Notification" in window && Notification.permission === "granted";
    els.alerts.setAttribute("aria-pressed", String(prefs.notify && granted));
    els.sound.checked = prefs.sound;
  }

  async function toggleNotifications() {
    if (prefs.notify) {
      prefs.notify = false;
    } else if ("Notification" in window) {
      const answer = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
      prefs.notify = answer === "granted";
      if (!prefs.notify) setNotice(own.notificationsBlocked);
    }
    savePrefs();
    showPrefs();
  }

  let audio = null;
  function beep(high) {
    if (!prefs.sound) return;
    try {
      audio = audio || new AudioContext();
      const tones = high ? [880, 660, 880] : [660];
      tones.forEach((hz, i) => {
        const start = audio.currentTime + i * 0.22;
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
        osc.connect(gain).connect(audio.destination);
        osc.start(start);
        osc.stop(start + 0.21);
      });
      document.documentElement.dataset.lastSound = high ? "high" : "normal"; // what rang (tests read it)
    } catch { /* no audio device */ }
  }

  document.addEventListener("perimeter:new-handoff", (event) => {
    const h = event.detail;
    const high = h.priority === "high";
    beep(high);
    if (!prefs.notify || !("Notification" in window) || Notification.permission !== "granted") return;
    const body = label(staff.t.reasons || {}, h.reason);
    const note = new Notification(high ? own.newHigh : own.newHandoff, {
      body, tag: `handoff-${h.id}`, requireInteraction: high,
    });
    note.onclick = () => { window.focus(); ui.openDetail(h.id); note.close(); };
  });

  // ---------- on duty / away ----------

  async function loadStatus() {
    try {
      const data = await api("GET", "/me/status");
      els.status.value = data.away ? "away" : "online";
    } catch (err) {
      if (err.status !== 401) showApiError(err);
    }
  }

  els.status.addEventListener("change", async () => {
    const away = els.status.value === "away";
    try {
      await api("PUT", "/me/status", { away });
      setNotice(own.statusSaved(away), "ok");
    } catch (err) {
      showApiError(err);
      loadStatus();
    }
  });

  // ---------- keyboard ----------

  function moveInQueue(step) {
    const items = [...els.queue.querySelectorAll("li.queue-item")];
    if (!items.length) return;
    const current = items.findIndex((li) => li.classList.contains("selected"));
    const next = items[Math.max(0, Math.min(items.length - 1, current + step))] || items[0];
    ui.openDetail(next.dataset.handoffId);
  }

  function onKey(event) {
    if (document.querySelector("dialog[open]")) return; // a dialog has the keys
    const typing = event.target instanceof HTMLElement && event.target.closest("input, textarea, select");
    if (event.key === "?" && !typing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      openHelp();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      KeyT: () => ui.take(),
      KeyR: () => ui.focusReply(),
      KeyB: () => ui.canWork() && ui.handBack(),
      KeyD: () => ui.canWork() && ui.resolve(),
      KeyN: () => ui.detail && els.noteInput.focus(),
      KeyF: () => window.PerimeterInbox && window.PerimeterInbox.openSearch(),
      ArrowUp: () => moveInQueue(-1),
      ArrowDown: () => moveInQueue(1),
    };
    const action = actions[event.code];
    if (!action) return;
    event.preventDefault();
    action();
  }

  function openHelp() {
    els.helpList.replaceChildren();
    for (const [keys, what] of own.keys) {
      const row = document.createElement("div");
      row.className = "shortcut";
      const dt = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = keys;
      dt.appendChild(kbd);
      const dd = document.createElement("dd");
      dd.textContent = what;
      row.append(dt, dd);
      els.helpList.appendChild(row);
    }
    els.helpDialog.showModal();
    els.helpClose.focus();
  }

  document.addEventListener("keydown", onKey);
  els.help.addEventListener("click", openHelp);
  els.helpClose.addEventListener("click", () => els.helpDialog.close());
  els.alerts.addEventListener("click", toggleNotifications);
  els.sound.addEventListener("change", () => {
    prefs.sound = els.sound.checked;
    savePrefs();
    if (prefs.sound) beep(false); // a sample, and browsers allow audio after this click
  });
  document.addEventListener("perimeter:signed-in", () => { loadStatus(); showPrefs(); });
  if (staff.me) loadStatus();
  showPrefs();
})();
