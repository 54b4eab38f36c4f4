// Perimeter web-chat widget: vanilla JS, no build step, no external resources.
// All server-provided text is inserted with textContent only, never as HTML.
"use strict";

(() => {
  const MAX_LEN = 4000;
  const STORAGE_KEY = "perimeter.conversation"; // {id, token}: the token is the conversation's secret
  const OLD_STORAGE_KEY = "perimeter.conversation_id"; // before conversations had a secret
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 10000]; // capped at 10 s

  const STRINGS = {
    ru: {
      title: (name) => (name ? `Чат поддержки банка «${name}»` : "Чат поддержки"),
      connecting: "Подключение…",
      online: "Онлайн",
      offline: "Нет связи — переподключаемся…",
      send: "Отправить",
      newConversation: "Новый диалог",
      logout: "Выйти",
      inputLabel: "Ваше сообщение",
      placeholder: "Напишите ваш вопрос…",
      sources: "Источники:",
      handoff: "Подключаем оператора",
      typing: "Бот печатает…",
      tooLong: (n) => `Сообщение слишком длинное: ${n} из ${MAX_LEN} символов. Сократите его, пожалуйста.`,
      lost: "Соединение прервалось до отправки сообщения. Текст возвращён в поле ввода.",
      interrupted: "Соединение прервалось во время ответа.",
      loggedIn: "Вы вошли как клиент банка.",
      operator: "Оператор",
      operatorTyping: "Оператор печатает…",
      retracted: "Черновик ответа не подтвердился по базе знаний и убран.",
      close: "Свернуть чат",
      messagesLabel: "Сообщения",
      rate: "Ответ помог?",
      helpful: "Да, помог",
      notHelpful: "Нет, не помог",
      thanks: "Спасибо за оценку",
      rateFailed: "Оценку сохранить не удалось",
      privacyLink: "Подробнее",
    },
    en: {
      title: (name) => (name ? `${name} — support chat` : "Support chat"),
      connecting: "Connecting…",
      online: "Online",
      offline: "No connection — reconnecting…",
      send: "Send",
      newConversation: "New conversation",
      logout: "Log out",
      inputLabel: "Your message",
      placeholder: "Type your question…",
      sources: "Sources:",
      handoff: "Connecting an operator",
      typing: "Bot is typing…",
      tooLong: (n) => `Message is too long: ${n} of ${MAX_LEN} characters. Please shorten it.`,
      lost: "The connection dropped before the message was sent. The text is back in the input box.",
      interrupted: "The connection dropped while the reply was being written.",
      loggedIn: "You are logged in as a bank customer.",
      operator: "Operator",
      operatorTyping: "The operator is typing…",
      retracted: "The draft answer could not be confirmed by the knowledge base and was withdrawn.",
      close: "Minimise the chat",
      messagesLabel: "Messages",
      rate: "Did this help?",
      helpful: "Yes, it helped",
      notHelpful: "No, it did not",
      thanks: "Thank you for the rating",
      rateFailed: "The rating could not be saved",
      privacyLink: "Details",
    },
  };
  // The bank's brand, put into the page by the server (bot/channels/webchat/page.py).
  const brand = (() => {
    try { return JSON.parse(document.documentElement.dataset.brand || "{}") || {}; } catch { return {}; }
  })();
  const params = new URLSearchParams(location.search);
  // Opened by /embed.js on the bank's site: in its iframe, with a button to minimise it.
  const embedded = params.get("embed") === "1" && window.parent !== window;
  const asked = params.get("lang");
  const lang = asked === "ru" || asked === "en" ? asked
    : (navigator.language || "").toLowerCase().startsWith("en") ? "en" : "ru";
  const t = STRINGS[lang];
  const of = (perLang) => (perLang && typeof perLang[lang] === "string" ? perLang[lang] : "");
  const WEB_LINK = /^https?:\/\//i;

  const $ = (id) => document.getElementById(id);
  const els = {
    messages: $("messages"), input: $("input"), send: $("send"), status: $("status"),
    form: $("composer"), counter: $("counter"), error: $("input-error"), reset: $("new-conversation"),
    logout: $("logout"), close: $("close"), logo: $("logo"), privacy: $("privacy"),
  };

  let ws = null;
  let attempt = 0;          // reconnect attempt counter, reset once the server greets us
  let reconnectTimer = null;
  let connected = false;
  // The in-flight exchange, or null: { text, acked, customer, bubble } (bubble = the .streaming element).
  let pending = null;

  // localStorage can throw (disabled storage, privacy modes): degrade to an in-memory session.
  const store = {
    get() {
      try {
        const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
        return saved && typeof saved.id === "string" && typeof saved.token === "string" ? saved : null;
      } catch { return null; }
    },
    set(id, token) { try { localStorage.setItem(STORAGE_KEY, JSON.stringify({ id, token })); } catch { /* ignore */ } },
    clear() { try { localStorage.removeItem(STORAGE_KEY); localStorage.removeItem(OLD_STORAGE_KEY); } catch { /* ignore */ } },
  };
  try { localStorage.removeItem(OLD_STORAGE_KEY); } catch { /* ignore */ }

  // Count like the server: len(text.strip()) in Python counts code points, not UTF-16 units.
  const charCount = (s) => [...s.trim()].length;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function scrollToBottom() {
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  function addMessage(role, text, id) {
    const node = el("div", `message ${role}`);
    if (id) node.dataset.id = id;
    node.appendChild(el("div", "text", text || ""));
    els.messages.appendChild(node);
    scrollToBottom();
    return node;
  }

  // A stored message from the transcript or pushed by the server (an operator's reply, a
  // notice): operators' messages carry their name.
  function addStored(m) {
    if (m.id && els.messages.querySelector(`[data-id="${CSS.escape(String(m.id))}"]`)) return null;
    const role = m.role === "customer" ? "customer" : m.role === "operator" ? "operator" : "bot";
    const node = addMessage(role, m.text, m.id);
    if (role === "operator") node.prepend(el("div", "author", m.author || t.operator));
    if (m.created_at) node.title = new Date(m.created_at).toLocaleString(lang);
    if (role === "bot") {
      decorateBot(node, m.sources, m.handoff);
      addFeedback(node, m.id, m.route, m.feedback);
    }
    return node;
  }

  // 👍/👎 under an answer of the knowledge base; the rating goes to the server at once.
  function addFeedback(node, id, route, current) {
    if (!id || route !== "answer" || node.querySelector(".feedback")) return;
    const box = el("div", "feedback");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", t.rate);
    box.appendChild(el("span", "feedback-label", t.rate));
    const status = el("span", "feedback-status");
    status.setAttribute("role", "status");
    const buttons = [[true, "👍", t.helpful], [false, "👎", t.notHelpful]].map(([helpful, icon, label]) => {
      const button = el("button", "rate", icon);
      button.type = "button";
      button.dataset.helpful = String(helpful);
      button.setAttribute("aria-label", label);
      button.title = label;
      button.setAttribute("aria-pressed", String(current === helpful));
      button.addEventListener("click", () => rate(String(id), helpful, buttons, status));
      return button;
    });
    box.append(...buttons, status);
    node.appendChild(box);
  }

  async function rate(id, helpful, buttons, status) {
    const saved = store.get();
    if (!saved) return;
    let ok = false;
    try {
      const response = await fetch(
        `/api/conversations/${encodeURIComponent(saved.id)}/messages/${encodeURIComponent(id)}/feedback`,
        {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${saved.token}` },
          body: JSON.stringify({ helpful }),
        },
      );
      ok = response.status === 204;
    } catch { ok = false; }
    if (ok) {
      for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.helpful === String(helpful)));
    }
    status.textContent = ok ? t.thanks : t.rateFailed;
  }

  const addSystem = (text) => addMessage("system", text);

  // Sources and the handoff note live under the bubble; calling again replaces them.
  function decorateBot(node, sources, handoff) {
    node.querySelectorAll(".sources, .handoff").forEach((n) => n.remove());
    if (Array.isArray(sources) && sources.length) {
      const box = el("div", "sources");
      box.appendChild(el("span", "sources-label", t.sources));
      const list = el("ul");
      for (const s of sources) {
        const title = (s && (s.title || s.id)) || "";
        const item = el("li", "source");
        if (s && typeof s.url === "string" && WEB_LINK.test(s.url)) {
          const link = el("a", null, title);
          link.href = s.url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          item.appendChild(link);
        } else {
          item.appendChild(document.createTextNode(title));
        }
        if (s && s.section) item.appendChild(document.createTextNode(` — ${s.section}`));
        list.appendChild(item);
      }
      box.appendChild(list);
      node.appendChild(box);
    }
    if (handoff) node.appendChild(el("div", "handoff", t.handoff));
  }

  // Quick replies under the latest bot message; pressing one sends its payload.
  function addButtons(node, buttons) {
    els.messages.querySelectorAll(".buttons").forEach((n) => n.remove());
    if (!Array.isArray(buttons) || !buttons.length) return;
    const box = el("div", "buttons");
    for (const b of buttons) {
      if (!b || typeof b.payload !== "string") continue;
      const button = el("button", "quick-reply", String(b.title || b.payload));
      button.type = "button";
      button.addEventListener("click", () => send(b.payload, button.textContent));
      box.appendChild(button);
    }
    node.appendChild(box);
  }

  // The bank's site vouches for its logged-in customer with a one-time signed token:
  // window.PerimeterChat.login(token), or #auth=<token> in the page address (demo).
  let authToken = null;
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("auth")) {
    authToken = fragment.get("auth");
    history.replaceState(null, "", location.pathname + location.search); // keep it out of history
  }
  function sendToken() {
    if (!authToken || !connected) return;
    ws.send(JSON.stringify({ type: "auth", token: authToken }));
    authToken = null; // one-time: never resent
  }
  // Logging out ends the session on the server, then the widget forgets the conversation and
  // its transcript: on a shared device the next person starts from nothing.
  function logout() {
    if (connected) ws.send(JSON.stringify({ type: "logout" }));
    else newConversation();
  }
  window.PerimeterChat = { login(token) { authToken = String(token); sendToken(); }, logout };
  // In the bank's iframe, /embed.js passes the token on: only from the parent page, and only
  // when that page is on one of the origins the bank allowed.
  window.addEventListener("message", (event) => {
    const origins = Array.isArray(brand.origins) ? brand.origins : [];
    if (event.source !== window.parent || !origins.includes(event.origin)) return;
    const data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.type === "perimeter:login" && typeof data.token === "string" && data.token.length <= 4096) {
      window.PerimeterChat.login(data.token);
    } else if (data.type === "perimeter:logout") {
      logout();
    }
  });

  function setAuthenticated(yes) {
    els.status.dataset.authenticated = yes ? "true" : "false";
    els.logout.hidden = !yes;
  }

  function startStreamingBubble() {
    const node = addMessage("bot", "");
    node.classList.add("streaming");
    const typing = el("div", "typing");
    typing.setAttribute("role", "img");
    typing.setAttribute("aria-label", t.typing);
    typing.append(el("span"), el("span"), el("span"));
    node.appendChild(typing);
    els.messages.setAttribute("aria-busy", "true"); // don't let screen readers read every token
    return node;
  }

  function finishPending() {
    pending = null;
    els.messages.removeAttribute("aria-busy");
    updateControls();
  }

  function updateControls() {
    els.send.disabled = !connected || pending !== null;
    const n = charCount(els.input.value);
    els.counter.textContent = `${n} / ${MAX_LEN}`;
    els.counter.classList.toggle("over-limit", n > MAX_LEN);
    if (n <= MAX_LEN) els.error.textContent = "";
  }

  function setStatus(kind) {
    els.status.className = `status ${kind}`;
    els.status.textContent = t[kind];
  }

  // ---- server messages ----
  const handlers = {
    // First frame on every (re)connect; only after it is the chat usable.
    conversation(msg) {
      attempt = 0;
      connected = true;
      setStatus("online");
      updateControls();
      if (msg.conversation_id && msg.token) store.set(msg.conversation_id, msg.token); // a new one
      setAuthenticated(msg.authenticated === true);
      els.messages.replaceChildren();
      const history = msg.messages || [];
      const last = history[history.length - 1];
      people.withOperator = Boolean(last && (last.role === "operator" || last.route === "operator" || last.route === "handoff"));
      if (!history.length && of(brand.greeting)) addMessage("bot greeting", of(brand.greeting));
      for (const m of history) addStored(m);
      scrollToBottom();
      sendToken();
    },
    auth(msg) {
      if (msg.authenticated !== true) return;
      setAuthenticated(true);
      addSystem(t.loggedIn);
    },
    logged_out() { newConversation(); },
    ack(msg) {
      if (!pending) return;
      pending.acked = true;
      if (msg.message_id) pending.customer.dataset.id = msg.message_id;
    },
    // The answer waits for its turn at the model: its place and an estimate, until it starts.
    queue(msg) {
      if (!pending || !msg.text) return;
      const node = pending.bubble;
      let notice = node.querySelector(".queue");
      if (!notice) {
        notice = el("div", "queue");
        notice.setAttribute("role", "status");
        node.appendChild(notice);
      }
      notice.textContent = msg.text;
      scrollToBottom();
    },
    token(msg) {
      if (!pending) return;
      const node = pending.bubble;
      node.querySelector(".typing")?.remove();
      node.querySelector(".queue")?.remove();
      node.querySelector(".text").textContent += msg.text || "";
      scrollToBottom();
    },
    reply(msg) {
      if (!msg.text) { // an operator has the conversation: the bot stays silent
        if (pending) pending.bubble.remove();
        finishPending();
        return;
      }
      const node = pending ? pending.bubble : addMessage("bot", "");
      node.querySelector(".typing")?.remove();
      node.querySelector(".queue")?.remove();
      node.classList.remove("streaming");
      if (msg.message_id) node.dataset.id = msg.message_id;
      if (msg.route) node.dataset.route = msg.route;
      setAuthenticated(msg.authenticated === true);
      node.querySelector(".text").textContent = msg.text || ""; // final text replaces the stream
      if (msg.route && msg.route !== "operator" && msg.route !== "handoff") people.withOperator = false;
      decorateBot(node, msg.sources, msg.handoff === true);
      addFeedback(node, msg.message_id, msg.route, null);
      addButtons(node, msg.buttons);
      if (msg.retracted === true) addSystem(t.retracted); // the unchecked draft is gone, visibly
      finishPending();
      scrollToBottom();
    },
    // Pushed at any time: an operator's reply, or a notice (operator joined, rate us).
    message(msg) {
      if (!msg.message) return;
      people.withOperator = true; // only people's side pushes between turns
      const node = addStored(msg.message);
      if (!node) return;
      if (pending) els.messages.appendChild(pending.bubble); // keep the typing bubble last
      addButtons(node, msg.buttons);
      scrollToBottom();
    },
    error(msg) {
      // A partial stream is not an answer: drop the bubble, keep the customer's message.
      if (pending) pending.bubble.remove();
      finishPending();
      addSystem(msg.message || msg.code || "Error");
    },
  };

  // ---- typing, both ways: only that someone types, never the text ----
  const TYPING_EVERY_MS = 2500;
  const people = { withOperator: false, sent: 0 };
  const typingNote = el("p", "operator-typing");
  typingNote.setAttribute("role", "status");
  els.messages.after(typingNote);

  function customerTyping() {
    const now = Date.now();
    if (!connected || !people.withOperator || now - people.sent < TYPING_EVERY_MS || !els.input.value.trim()) return;
    people.sent = now;
    ws.send(JSON.stringify({ type: "typing" }));
  }

  async function operatorTyping() {
    const saved = store.get();
    let typing = false;
    if (saved && people.withOperator && connected && !document.hidden) {
      try {
        const response = await fetch(`/api/conversations/${encodeURIComponent(saved.id)}/typing`, {
          headers: { Authorization: `Bearer ${saved.token}` },
        });
        typing = response.ok && (await response.json()).operator_typing === true;
      } catch { typing = false; }
    }
    typingNote.textContent = typing ? t.operatorTyping : "";
  }
  setInterval(operatorTyping, TYPING_EVERY_MS);

  // ---- connection ----
  function connect() {
    clearTimeout(reconnectTimer);
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const sock = new WebSocket(`${proto}://${location.host}/ws/chat`); // nothing secret in a URL
    ws = sock;
    sock.onopen = () => {
      const saved = store.get(); // read now: «Новый диалог» may have cleared it meanwhile
      const hello = saved ? { type: "hello", conversation_id: saved.id, token: saved.token } : { type: "hello" };
      sock.send(JSON.stringify(hello));
    };
    sock.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      const handler = msg && handlers[msg.type];
      if (handler) handler(msg);
    };
    sock.onclose = () => {
      if (ws !== sock) return; // replaced deliberately (e.g. «Новый диалог»)
      connected = false;
      abandonPending();
      setStatus("offline");
      updateControls();
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      reconnectTimer = setTimeout(connect, delay);
    };
    // onerror is always followed by onclose, which handles the reconnect.
  }

  // The socket died mid-exchange. If the server never acked, the message may be lost:
  // hand the text back to the customer. Otherwise the history resent on reconnect shows it.
  function abandonPending() {
    if (!pending) return;
    pending.bubble.remove();
    if (!pending.acked) {
      pending.customer.remove();
      if (!els.input.value) els.input.value = pending.text;
      addSystem(t.lost);
    } else {
      addSystem(t.interrupted);
    }
    finishPending();
  }

  // Sends the input box, or a quick reply's payload (shown as its title).
  function send(payload, shown) {
    const fromButton = typeof payload === "string";
    const text = fromButton ? payload : els.input.value.trim();
    if (!text || !connected || pending) return;
    const n = charCount(text);
    if (n > MAX_LEN) { els.error.textContent = t.tooLong(n); return; }
    ws.send(JSON.stringify({ type: "message", text }));
    els.messages.querySelectorAll(".buttons").forEach((b) => b.remove());
    const customer = addMessage("customer", fromButton ? shown || text : text);
    pending = { text, acked: false, customer, bubble: startStreamingBubble() };
    if (!fromButton) els.input.value = "";
    updateControls();
  }

  function newConversation() {
    store.clear();
    setAuthenticated(false);
    pending = null;
    els.messages.replaceChildren();
    els.messages.removeAttribute("aria-busy");
    const old = ws;
    ws = null; // makes the old socket's onclose a no-op
    connected = false;
    if (old) old.close();
    attempt = 0;
    setStatus("connecting");
    updateControls();
    connect();
    els.input.focus();
  }

  // ---- UI wiring ----
  document.documentElement.lang = lang;
  document.title = t.title(of(brand.name));
  $("chat-title").textContent = document.title;
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t[n.dataset.i18n]; });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => { n.placeholder = t[n.dataset.i18nPlaceholder]; });
  document.querySelectorAll("[data-i18n-label]").forEach((n) => { n.setAttribute("aria-label", t[n.dataset.i18nLabel]); });
  if (typeof brand.logo === "string" && brand.logo.startsWith("/")) {
    els.logo.src = brand.logo;
    els.logo.hidden = false;
  }
  if (of(brand.privacy)) {
    els.privacy.textContent = of(brand.privacy);
    if (typeof brand.privacy_url === "string" && WEB_LINK.test(brand.privacy_url)) {
      const link = el("a", null, t.privacyLink);
      link.href = brand.privacy_url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      els.privacy.append(" ", link);
    }
    els.privacy.hidden = false;
  }
  if (embedded) {
    document.documentElement.classList.add("embedded");
    els.close.hidden = false;
    // Nothing secret in it: the loader on the parent page hides the frame.
    els.close.addEventListener("click", () => window.parent.postMessage({ type: "perimeter:close" }, "*"));
  }

  els.form.addEventListener("submit", (e) => { e.preventDefault(); send(); });
  els.input.addEventListener("input", () => { updateControls(); customerTyping(); });
  els.input.addEventListener("keydown", (e) => {
    // Enter sends, Shift+Enter inserts a newline; ignore Enter while an IME is composing.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  els.reset.addEventListener("click", newConversation);
  els.logout.addEventListener("click", logout);

  setStatus("connecting");
  updateControls();
  connect();
})();
