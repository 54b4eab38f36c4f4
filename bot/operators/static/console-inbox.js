// Perimeter operator console, the inbox module: canned responses (typed as /shortcut in the
// reply, kept by supervisors), private notes on the open handoff, the search of past
// conversations and the transcript's export. It follows console.js through its
// perimeter:* events and acts through window.PerimeterConsole. Text from the server goes in
// with textContent only.
"use strict";

(() => {
  const STRINGS = {
    ru: {
      toolsLabel: "Инструменты",
      searchOpen: "Поиск по диалогам",
      cannedManage: "Шаблоны ответов",
      dashboardLink: "Панель",
      cannedListLabel: "Шаблоны ответов",
      notesTitle: "Заметки (видны только сотрудникам)",
      noteLabel: "Новая заметка",
      notePlaceholder: "Заметка для коллег…",
      noteAdd: "Добавить заметку",
      notesEmpty: "Заметок нет.",
      noteAdded: "Заметка добавлена.",
      exportCsv: "CSV",
      exportPdf: "PDF",
      searchTitle: "Поиск по диалогам",
      close: "Закрыть",
      searchText: "Текст",
      searchId: "Номер диалога",
      searchReason: "Причина передачи",
      anyReason: "любая",
      searchFrom: "С",
      searchTo: "По",
      searchSubmit: "Найти",
      searching: "Ищем…",
      found: (n) => (n ? `Найдено: ${n}${n >= 50 ? " (показаны первые 50)" : ""}` : "Ничего не найдено."),
      needSomething: "Укажите текст, номер, причину или дату.",
      foundTitle: (id) => `Диалог ${id}`,
      cannedTitle: "Шаблоны ответов",
      cannedNew: "Новый шаблон",
      cannedEdit: (s) => `Шаблон /${s}`,
      cannedShortcut: "Сокращение (после /)",
      cannedLang: "Язык",
      cannedTitleLabel: "Название",
      cannedText: "Текст: {first_name} — имя клиента, {operator} — ваше имя",
      save: "Сохранить",
      cancel: "Отменить",
      edit: "Изменить",
      remove: "Удалить",
      saved: "Сохранено.",
      removed: "Удалено.",
      cannedNone: "Шаблонов пока нет.",
      channels: { webchat: "веб-чат", telegram: "Telegram" },
      roles: { customer: "Клиент", bot: "Бот", operator: "Оператор" },
      customerTyping: "Клиент печатает…",
    },
    en: {
      toolsLabel: "Tools",
      searchOpen: "Search conversations",
      cannedManage: "Canned responses",
      dashboardLink: "Dashboard",
      cannedListLabel: "Canned responses",
      notesTitle: "Notes (staff only)",
      noteLabel: "New note",
      notePlaceholder: "A note for colleagues…",
      noteAdd: "Add note",
      notesEmpty: "No notes.",
      noteAdded: "Note added.",
      exportCsv: "CSV",
      exportPdf: "PDF",
      searchTitle: "Search conversations",
      close: "Close",
      searchText: "Text",
      searchId: "Conversation id",
      searchReason: "Handoff reason",
      anyReason: "any",
      searchFrom: "From",
      searchTo: "To",
      searchSubmit: "Search",
      searching: "Searching…",
      found: (n) => (n ? `Found: ${n}${n >= 50 ? " (the first 50 shown)" : ""}` : "Nothing found."),
      needSomething: "Give a text, an id, a reason or a date.",
      foundTitle: (id) => `Conversation ${id}`,
      cannedTitle: "Canned responses",
      cannedNew: "New canned response",
      cannedEdit: (s) => `Canned response /${s}`,
      cannedShortcut: "Shortcut (after /)",
      cannedLang: "Language",
      cannedTitleLabel: "Title",
      cannedText: "Text: {first_name} is the customer's first name, {operator} yours",
      save: "Save",
      cancel: "Cancel",
      edit: "Edit",
      remove: "Delete",
      saved: "Saved.",
      removed: "Deleted.",
      cannedNone: "No canned responses yet.",
      channels: { webchat: "web chat", telegram: "Telegram" },
      roles: { customer: "Customer", bot: "Bot", operator: "Operator" },
      customerTyping: "The customer is typing…",
    },
  };
  const REASONS = [
    "customer_request", "low_confidence", "model_abstained", "ungrounded_answer", "repeated_failure",
    "complaint", "fraud", "core_unavailable", "knowledge_unavailable", "model_busy", "model_unavailable",
  ];

  const ui = window.PerimeterConsole;
  const { staff } = ui;
  const { el, button, api, label, formatTime, timeNode, showApiError, setStatus } = staff;
  const own = staff.translate(STRINGS);
  const t = { ...staff.t, ...own };
  const $ = (id) => document.getElementById(id);
  const els = {
    reply: $("reply-input"), replyForm: $("reply-form"), list: $("canned-list"),
    notes: $("notes"), noteForm: $("note-form"), noteInput: $("note-input"), noteStatus: $("note-status"),
    exportCsv: $("export-csv"), exportPdf: $("export-pdf"),
    searchOpen: $("search-open"), searchDialog: $("search-dialog"), searchClose: $("search-close"),
    searchForm: $("search-form"), searchText: $("search-text"), searchId: $("search-id"),
    searchReason: $("search-reason"), searchFrom: $("search-from"), searchTo: $("search-to"),
    searchStatus: $("search-status"), searchResults: $("search-results"),
    found: $("found"), foundTitle: $("found-title"), foundCsv: $("found-csv"), foundPdf: $("found-pdf"),
    foundTranscript: $("found-transcript"),
    cannedManage: $("canned-manage"), cannedDialog: $("canned-dialog"), cannedClose: $("canned-close"),
    cannedAll: $("canned-all"), cannedForm: $("canned-form"), cannedFormTitle: $("canned-form-title"),
    cannedShortcut: $("canned-shortcut"), cannedLang: $("canned-lang"), cannedTitle: $("canned-title-input"),
    cannedText: $("canned-text"), cannedReset: $("canned-reset"), cannedStatus: $("canned-status"),
  };
  const state = { handoffId: null, canned: [], matches: [], active: -1, token: null, editing: null };
  const transcriptUrl = (conversationId, suffix) =>
    `/operator/api/conversations/${encodeURIComponent(conversationId)}/transcript.${suffix}`;

  // ---------- the open handoff: its canned responses, notes and export links ----------

  document.addEventListener("perimeter:detail", (event) => {
    const detail = event.detail;
    const id = detail ? detail.id : null;
    const switching = id !== state.handoffId;
    state.handoffId = id;
    for (const link of [els.exportCsv, els.exportPdf]) link.hidden = !detail;
    if (!detail) {
      closeList();
      els.notes.replaceChildren();
      return;
    }
    els.exportCsv.href = transcriptUrl(detail.conversation_id, "csv");
    els.exportPdf.href = transcriptUrl(detail.conversation_id, "pdf");
    if (switching) {
      els.noteStatus.textContent = "";
      loadNotes(id);
      loadCanned(id);
    }
  });
  document.addEventListener("perimeter:signed-in", () => {
    document.querySelectorAll(".supervisor-only").forEach((n) => {
      n.hidden = !(staff.me && staff.me.role === "supervisor");
    });
  });
  document.addEventListener("perimeter:signed-out", () => {
    state.handoffId = null;
    state.canned = [];
    closeList();
    if (els.searchDialog.open) els.searchDialog.close();
    if (els.cannedDialog.open) els.cannedDialog.close();
  });

  async function loadCanned(id) {
    try {
      const data = await api("GET", `/handoffs/${encodeURIComponent(id)}/canned`);
      if (state.handoffId === id) state.canned = Array.isArray(data.canned) ? data.canned : [];
    } catch (err) {
      state.canned = [];
      if (err.status !== 404) showApiError(err);
    }
  }

  // ---------- canned responses in the reply: «/при» lists them, Enter or Tab inserts ----------

  function tokenAtCaret() {
    const box = els.reply;
    const before = box.value.slice(0, box.selectionStart);
    const match = before.match(/(?:^|\s)(\/[\p{L}\p{N}_-]*)$/u);
    return match ? match[1] : null;
  }

  function onReplyInput() {
    const token = tokenAtCaret();
    if (token === null || !state.canned.length) { closeList(); return; }
    const typed = token.slice(1).toLowerCase();
    state.matches = state.canned.filter((c) => c.shortcut.startsWith(typed) || c.title.toLowerCase().includes(typed));
    state.token = token;
    if (!state.matches.length) { closeList(); return; }
    state.active = 0;
    renderList();
  }

  function renderList() {
    els.list.replaceChildren();
    state.matches.forEach((c, i) => {
      const item = el("li", "canned-option");
      item.id = `canned-option-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(i === state.active));
      item.dataset.cannedId = c.id;
      item.append(el("span", "canned-shortcut", `/${c.shortcut}`), el("span", "canned-name", `${c.title} · ${c.lang}`),
        el("span", "canned-preview", c.text));
      item.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
      els.list.appendChild(item);
    });
    els.list.hidden = false;
    els.reply.setAttribute("aria-activedescendant", `canned-option-${state.active}`);
  }

  function closeList() {
    els.list.hidden = true;
    els.list.replaceChildren();
    state.matches = [];
    state.active = -1;
    els.reply.removeAttribute("aria-activedescendant");
  }

  function choose(i) {
    const chosen = state.matches[i];
    if (!chosen) return;
    ui.replaceReplyToken(state.token, chosen.text);
    closeList();
  }

  // Capture: before console.js's own Enter-sends handler on the textarea.
  els.replyForm.addEventListener("keydown", (event) => {
    if (event.target !== els.reply || els.list.hidden) return;
    const n = state.matches.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      state.active = (state.active + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      renderList();
    } else if ((event.key === "Enter" && !event.shiftKey && !event.isComposing) || event.key === "Tab") {
      choose(state.active);
    } else if (event.key === "Escape") {
      closeList();
    } else {
      return;
    }
    event.preventDefault();
  }, true);
  els.reply.addEventListener("input", onReplyInput);
  els.reply.addEventListener("blur", () => setTimeout(closeList, 150));

  // ---------- notes ----------

  async function loadNotes(id) {
    els.notes.replaceChildren();
    try {
      const data = await api("GET", `/handoffs/${encodeURIComponent(id)}/notes`);
      if (state.handoffId === id) renderNotes(data.notes || []);
    } catch (err) {
      if (err.status !== 404) showApiError(err, els.noteStatus);
    }
  }

  function renderNotes(notes) {
    els.notes.replaceChildren();
    if (!notes.length) {
      els.notes.appendChild(el("li", "placeholder", t.notesEmpty));
      return;
    }
    for (const note of notes) els.notes.appendChild(noteNode(note));
  }

  function noteNode(note) {
    const item = el("li", "note");
    const meta = el("div", "note-meta");
    meta.append(el("span", "note-author", note.author_name || note.author), timeNode(note.created_at));
    item.append(meta, el("p", "note-text", note.text));
    return item;
  }

  els.noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = state.handoffId;
    const text = els.noteInput.value.trim();
    if (id === null || !text) return;
    try {
      const note = await api("POST", `/handoffs/${encodeURIComponent(id)}/notes`, { text });
      if (state.handoffId !== id) return;
      els.notes.querySelector(".placeholder")?.remove();
      els.notes.appendChild(noteNode(note));
      els.noteInput.value = "";
      setStatus(els.noteStatus, t.noteAdded, "ok");
    } catch (err) {
      showApiError(err, els.noteStatus);
    }
  });

  // ---------- search of past conversations ----------

  function fillReasons() {
    els.searchReason.replaceChildren(new Option(t.anyReason, ""));
    for (const reason of REASONS) els.searchReason.appendChild(new Option(label(staff.t.reasons || {}, reason), reason));
  }

  function openSearch() {
    if (!els.searchReason.options.length) fillReasons();
    els.found.hidden = true;
    els.searchDialog.showModal();
    els.searchText.focus();
  }

  async function search(event) {
    event.preventDefault();
    const params = new URLSearchParams();
    if (els.searchText.value.trim()) params.set("q", els.searchText.value.trim());
    if (els.searchId.value.trim()) params.set("id", els.searchId.value.trim());
    if (els.searchReason.value) params.set("reason", els.searchReason.value);
    if (els.searchFrom.value) params.set("from", els.searchFrom.value);
    if (els.searchTo.value) params.set("to", els.searchTo.value);
    if (![...params.keys()].length) { setStatus(els.searchStatus, t.needSomething, "error"); return; }
    setStatus(els.searchStatus, t.searching, "ok");
    els.searchResults.replaceChildren();
    els.found.hidden = true;
    let data;
    try {
      data = await api("GET", `/conversations?${params}`);
    } catch (err) {
      showApiError(err, els.searchStatus);
      return;
    }
    const found = data.conversations || [];
    setStatus(els.searchStatus, t.found(found.length), "ok");
    for (const c of found) els.searchResults.appendChild(resultNode(c));
  }

  function resultNode(c) {
    const item = el("li", "search-result");
    const open = button("search-result-open", "");
    open.dataset.conversationId = c.conversation_id;
    const head = el("span", "search-result-head");
    head.append(el("strong", null, c.conversation_id), document.createTextNode(` · ${label(t.channels, c.channel)} · ${formatTime(c.started_at)}`));
    if (c.reason) head.append(document.createTextNode(` · ${label(staff.t.reasons || {}, c.reason)}`));
    open.append(head, el("span", "search-result-snippet", c.snippet));
    open.addEventListener("click", () => showFound(c.conversation_id));
    item.appendChild(open);
    return item;
  }

  async function showFound(conversationId) {
    let data;
    try {
      data = await api("GET", `/conversations/${encodeURIComponent(conversationId)}/transcript`);
    } catch (err) {
      showApiError(err, els.searchStatus);
      return;
    }
    els.foundTitle.textContent = t.foundTitle(data.conversation_id);
    els.foundCsv.href = transcriptUrl(data.conversation_id, "csv");
    els.foundPdf.href = transcriptUrl(data.conversation_id, "pdf");
    els.foundTranscript.replaceChildren();
    for (const m of data.messages || []) {
      const node = el("div", `message ${m.role}`);
      const meta = el("div", "message-meta");
      meta.append(el("span", "author", m.author || label(t.roles, m.role)), timeNode(m.created_at));
      node.append(meta, el("div", "message-text", m.text));
      els.foundTranscript.appendChild(node);
    }
    els.found.hidden = false;
    els.foundTitle.focus();
  }

  els.searchOpen.addEventListener("click", openSearch);
  els.searchClose.addEventListener("click", () => els.searchDialog.close());
  els.searchForm.addEventListener("submit", search);

  // ---------- canned responses, kept by supervisors ----------

  async function openCannedManager() {
    resetCannedForm();
    els.cannedDialog.showModal();
    await listAllCanned();
    els.cannedShortcut.focus();
  }

  async function listAllCanned() {
    els.cannedAll.replaceChildren();
    let data;
    try {
      data = await api("GET", "/canned");
    } catch (err) {
      showApiError(err, els.cannedStatus);
      return;
    }
    const all = data.canned || [];
    if (!all.length) els.cannedAll.appendChild(el("li", "placeholder", t.cannedNone));
    for (const c of all) {
      const item = el("li", "canned-item");
      item.dataset.cannedId = c.id;
      const edit = button("secondary", t.edit, `${t.edit} /${c.shortcut} (${c.lang})`);
      edit.addEventListener("click", () => editCanned(c));
      const remove = button("secondary danger", t.remove, `${t.remove} /${c.shortcut} (${c.lang})`);
      remove.addEventListener("click", () => removeCanned(c));
      item.append(el("span", "canned-shortcut", `/${c.shortcut}`), el("span", "canned-name", `${c.title} · ${c.lang}`),
        el("span", "canned-preview", c.text), edit, remove);
      els.cannedAll.appendChild(item);
    }
  }

  function resetCannedForm() {
    state.editing = null;
    els.cannedForm.reset();
    els.cannedFormTitle.textContent = t.cannedNew;
    els.cannedStatus.textContent = "";
  }

  function editCanned(c) {
    state.editing = c.id;
    els.cannedFormTitle.textContent = t.cannedEdit(c.shortcut);
    els.cannedShortcut.value = c.shortcut;
    els.cannedLang.value = c.lang;
    els.cannedTitle.value = c.title;
    els.cannedText.value = c.text;
    els.cannedShortcut.focus();
  }

  async function removeCanned(c) {
    try {
      await api("DELETE", `/canned/${encodeURIComponent(c.id)}`);
      setStatus(els.cannedStatus, t.removed, "ok");
      await listAllCanned();
    } catch (err) {
      showApiError(err, els.cannedStatus);
    }
  }

  els.cannedForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      shortcut: els.cannedShortcut.value, lang: els.cannedLang.value,
      title: els.cannedTitle.value, text: els.cannedText.value,
    };
    try {
      if (state.editing) await api("PUT", `/canned/${encodeURIComponent(state.editing)}`, body);
      else await api("POST", "/canned", body);
      resetCannedForm();
      setStatus(els.cannedStatus, t.saved, "ok");
      await listAllCanned();
      if (state.handoffId !== null) loadCanned(state.handoffId);
    } catch (err) {
      showApiError(err, els.cannedStatus);
    }
  });
  els.cannedManage.addEventListener("click", openCannedManager);
  els.cannedClose.addEventListener("click", () => els.cannedDialog.close());
  els.cannedReset.addEventListener("click", resetCannedForm);

  // ---------- typing, both ways: nothing of the text leaves, only that someone types ----------

  const TYPING_EVERY_MS = 2500;
  const typingNote = el("p", "typing-note");
  typingNote.id = "customer-typing";
  typingNote.setAttribute("role", "status");
  typingNote.setAttribute("aria-live", "polite");
  $("transcript").after(typingNote);
  let typingSent = 0;
  let typingTimer = null;

  els.reply.addEventListener("input", () => {
    const now = Date.now();
    if (state.handoffId === null || !ui.canWork() || now - typingSent < TYPING_EVERY_MS) return;
    typingSent = now;
    api("PUT", `/handoffs/${encodeURIComponent(state.handoffId)}/typing`).catch(() => {});
  });

  async function pollTyping() {
    const id = state.handoffId;
    let typing = false;
    if (id !== null && ui.canWork() && !document.hidden) {
      try {
        typing = (await api("GET", `/handoffs/${encodeURIComponent(id)}/typing`)).customer_typing === true;
      } catch { typing = false; }
    }
    typingNote.textContent = typing && id === state.handoffId ? t.customerTyping : "";
  }
  document.addEventListener("perimeter:signed-in", () => {
    clearInterval(typingTimer);
    typingTimer = setInterval(pollTyping, 2000);
  });
  document.addEventListener("perimeter:signed-out", () => {
    clearInterval(typingTimer);
    typingNote.textContent = "";
  });
  if (staff.me) typingTimer = setInterval(pollTyping, 2000);

  for (const link of [els.exportCsv, els.exportPdf]) link.hidden = true;
  window.PerimeterInbox = Object.freeze({ openSearch });
})();
