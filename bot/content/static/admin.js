// Perimeter knowledge-base admin (content team): vanilla JS, no build step, no external resources.
// The login, session, API call, notices and strings both staff pages share come from
// /staff/static/staff.js. All server-provided text is inserted with textContent only, never as HTML.
"use strict";

(() => {
  const ACCEPTED = [".md", ".txt", ".html", ".htm", ".pdf", ".docx", ".faq.yaml", ".faq.yml", ".faq.csv"];
  const ACTIONS_LIMIT = 100;
  const VERSION_STATUSES = ["draft", "published", "superseded", "discarded"];

  const STRINGS = {
    ru: {
      title: "Периметр — база знаний",
      loginTitle: "Вход для редакторов базы знаний",
      sessionEnded: "Сеанс завершён. Войдите снова — несохранённый текст и выбранный файл остались на странице.",
      uploadTitle: "Загрузить документ",
      uploadLabel: "Файл",
      uploadHint: "Markdown, текст, HTML, PDF, DOCX или FAQ (.faq.yaml, .faq.yml, .faq.csv). Файл с id существующего документа станет его новым черновиком.",
      uploadSubmit: "Загрузить черновик",
      uploadNoFile: "Выберите файл для загрузки.",
      uploadBadType: (name) => `Файл «${name}» не подходит: можно загрузить ${ACCEPTED.join(", ")}.`,
      uploadEmpty: (name) => `Файл «${name}» пустой.`,
      uploading: (name) => `Загружаем «${name}»…`,
      uploaded: (title, v) => `Загружено: «${title}», черновик v${v}. Проверьте предпросмотр и опубликуйте.`,
      documentsTitle: "Документы",
      refresh: "Обновить",
      filterLabel: "Найти документ",
      filterPlaceholder: "Найти по названию или id",
      documentsEmpty: "Документов пока нет.",
      documentsNoMatch: "Ничего не найдено.",
      detailLabel: "Документ",
      sidebarLabel: "Документы",
      activityLabel: "История и пробелы",
      selectPrompt: "Выберите документ в списке слева или загрузите новый.",
      delete: "Удалить документ",
      versionsTitle: "Версии",
      editorTitle: "Текст документа",
      editorTitleKind: (k) => `Текст документа (${k})`,
      notEditable: "Этот формат нельзя править на странице. Чтобы изменить документ, загрузите новую версию файла.",
      saveDraft: "Сохранить черновик",
      revertEditor: "Отменить правки",
      editorHint: "Ctrl+S — сохранить. Черновик не виден клиентам, пока его не опубликуют.",
      editorSource: (v, status, published) => (published == null
        ? `В редакторе — текст последней версии v${v} (${status}).`
        : `В редакторе — текст последней версии v${v} (${status}); бот отвечает по v${published}.`),
      unsaved: "● есть несохранённые правки",
      restoredDraft: "Восстановлен ваш несохранённый текст.",
      changedMeanwhile: "Документ изменился на сервере, но ваш несохранённый текст оставлен в редакторе.",
      emptyText: "Текст документа пустой — сохранять нечего.",
      draftSaved: (v) => `Черновик v${v} сохранён. Ниже — его предпросмотр.`,
      published: (v) => `Версия v${v} опубликована — бот отвечает по ней.`,
      rolledBack: (v) => `Возвращена версия v${v} — бот отвечает по ней.`,
      deleted: (title) => `Документ «${title}» удалён из базы знаний бота.`,
      reloaded: "Документ обновлён с сервера.",
      confirmDeleteTitle: "Удалить документ?",
      confirmDeleteText: (title) => `«${title}» будет убран из базы знаний — бот перестанет отвечать по нему. История версий сохранится.`,
      confirmDeleteOk: "Удалить",
      cancel: "Отмена",
      warningsLabel: "Предупреждения",
      previewTitle: (v) => `Предпросмотр v${v}`,
      previewLoading: "Готовим предпросмотр…",
      answersTitle: "Тестовые вопросы, на которые отвечает версия",
      answersEmpty: "Эта версия не отвечает ни на один тестовый вопрос.",
      chunksTitle: "Фрагменты для поиска",
      chunksEmpty: "Фрагментов нет.",
      noSection: "Без раздела",
      scoreLabel: "сходство",
      chunkNo: (n) => `№${n}`,
      actionsTitle: "История изменений",
      actionsEmpty: "Изменений пока не было.",
      actionNames: {
        upload: "загрузка", uploaded: "загрузка", create: "создание", created: "создание",
        draft: "черновик", save_draft: "черновик", draft_saved: "черновик", edit: "правка", adopt: "взят под управление",
        publish: "публикация", published: "публикация",
        rollback: "откат", rolled_back: "откат",
        delete: "удаление", deleted: "удаление",
        discard: "отмена черновика", discarded: "отмена черновика",
        login: "вход", logout: "выход",
      },
      gapsTitle: "Пробелы в базе знаний",
      gapsHint: "Вопросы клиентов, на которые бот не нашёл ответа, сгруппированные по смыслу.",
      gapsDays: "За период",
      days7: "7 дней",
      days30: "30 дней",
      days90: "90 дней",
      loadGaps: "Показать пробелы",
      gapsLoading: "Ищем пробелы…",
      gapsEmpty: (d) => `За ${d} дн. все вопросы клиентов нашли ответ.`,
      gapsCount: (n, d) => `Групп: ${n} за ${d} дн. Сначала самые частые.`,
      gapQuestions: (n) => `Все вопросы группы (${n})`,
      questionsWord: (n) => plural(n, "вопрос", "вопроса", "вопросов"),
      kinds: { markdown: "Markdown", text: "текст", html: "HTML", pdf: "PDF", docx: "DOCX", faq: "FAQ" },
      versionStatuses: { draft: "черновик", published: "опубликована", superseded: "заменена", discarded: "отменена" },
      docPublished: (v) => `опубликован v${v}`,
      docDraft: (v) => `черновик v${v}`,
      docDeleted: "удалён",
      docUnpublished: "не опубликован",
      updated: (d) => `изменён ${d}`,
      docId: (id) => `id: ${id}`,
      lang: (l) => `язык: ${l}`,
      previewButton: "Предпросмотр",
      publishButton: "Опубликовать",
      rollbackButton: "Вернуть эту версию",
      versionLabel: (v) => `v${v}`,
      createdBy: (who, d) => `${who}, ${d}`,
      publishedBy: (who, d) => (who ? `опубликовал(а) ${who}, ${d}` : `опубликована ${d}`),
      size: (bytes) => formatSize(bytes, ["Б", "КБ", "МБ"]),
      networkError: "Сервер недоступен. Проверьте связь и повторите — введённое не потеряно.",
      // Sign-in: the code says it all, so the text is ours.
      loginCodes: {
        bad_credentials: "Неверный логин или пароль.",
        forbidden: "У этой учётной записи нет прав редактора базы знаний.",
        locked: "Слишком много неудачных попыток входа. Учётная запись временно заблокирована — попробуйте позже.",
      },
      // Elsewhere the server's message is the reason: it follows one of these leads.
      codes: {
        forbidden: "Нет доступа",
        conflict: "Документ уже изменил кто-то другой — показываем актуальное состояние",
        not_found: "Не найдено",
        invalid_document: "Документ не принят",
        too_large: "Файл слишком большой",
        index_unavailable: "База знаний бота сейчас недоступна, ничего не изменено",
        bad_request: "Запрос не принят",
      },
      httpStatus: {
        403: "Недостаточно прав для этого действия.",
        404: "Не найдено.",
        409: "Документ уже изменил кто-то другой.",
        413: "Файл слишком большой для загрузки.",
        422: "Документ не принят: проверьте содержимое.",
        429: "Слишком много попыток. Попробуйте позже.",
      },
      httpError: (s) => `Ошибка сервера (${s}). Повторите позже — введённое не потеряно.`,
    },
    en: {
      title: "Perimeter — knowledge base",
      loginTitle: "Knowledge base editor sign-in",
      sessionEnded: "Your session has ended. Sign in again — your unsaved text and chosen file are kept.",
      uploadTitle: "Upload a document",
      uploadLabel: "File",
      uploadHint: "Markdown, text, HTML, PDF, DOCX or FAQ (.faq.yaml, .faq.yml, .faq.csv). A file with the id of an existing document becomes its new draft.",
      uploadSubmit: "Upload as draft",
      uploadNoFile: "Choose a file to upload.",
      uploadBadType: (name) => `“${name}” cannot be uploaded: accepted are ${ACCEPTED.join(", ")}.`,
      uploadEmpty: (name) => `“${name}” is empty.`,
      uploading: (name) => `Uploading “${name}”…`,
      uploaded: (title, v) => `Uploaded “${title}” as draft v${v}. Check the preview, then publish.`,
      documentsTitle: "Documents",
      refresh: "Refresh",
      filterLabel: "Find a document",
      filterPlaceholder: "Find by title or id",
      documentsEmpty: "No documents yet.",
      documentsNoMatch: "Nothing found.",
      detailLabel: "Document",
      sidebarLabel: "Documents",
      activityLabel: "History and gaps",
      selectPrompt: "Select a document on the left or upload a new one.",
      delete: "Delete document",
      versionsTitle: "Versions",
      editorTitle: "Document text",
      editorTitleKind: (k) => `Document text (${k})`,
      notEditable: "This format cannot be edited on the page. To change the document, upload a new version of the file.",
      saveDraft: "Save draft",
      revertEditor: "Discard changes",
      editorHint: "Ctrl+S saves. Customers do not see a draft until it is published.",
      editorSource: (v, status, published) => (published == null
        ? `The editor holds the text of the latest version, v${v} (${status}).`
        : `The editor holds the text of the latest version, v${v} (${status}); the bot answers from v${published}.`),
      unsaved: "● unsaved changes",
      restoredDraft: "Your unsaved text was restored.",
      changedMeanwhile: "The document changed on the server; your unsaved text is kept in the editor.",
      emptyText: "The document text is empty — nothing to save.",
      draftSaved: (v) => `Draft v${v} saved. Its preview is below.`,
      published: (v) => `Version v${v} is published — the bot answers from it.`,
      rolledBack: (v) => `Rolled back to v${v} — the bot answers from it.`,
      deleted: (title) => `“${title}” was removed from the bot's knowledge base.`,
      reloaded: "The document was reloaded from the server.",
      confirmDeleteTitle: "Delete the document?",
      confirmDeleteText: (title) => `“${title}” will be removed from the knowledge base and the bot will stop answering from it. Its version history is kept.`,
      confirmDeleteOk: "Delete",
      cancel: "Cancel",
      warningsLabel: "Warnings",
      previewTitle: (v) => `Preview of v${v}`,
      previewLoading: "Preparing the preview…",
      answersTitle: "Test questions this version answers",
      answersEmpty: "This version answers none of the test questions.",
      chunksTitle: "Search chunks",
      chunksEmpty: "No chunks.",
      noSection: "No section",
      scoreLabel: "similarity",
      chunkNo: (n) => `#${n}`,
      actionsTitle: "Change history",
      actionsEmpty: "No changes yet.",
      actionNames: {
        upload: "upload", uploaded: "upload", create: "create", created: "create",
        draft: "draft", save_draft: "draft", draft_saved: "draft", edit: "edit", adopt: "taken over",
        publish: "publish", published: "publish",
        rollback: "rollback", rolled_back: "rollback",
        delete: "delete", deleted: "delete",
        discard: "draft discarded", discarded: "draft discarded",
        login: "sign-in", logout: "sign-out",
      },
      gapsTitle: "Knowledge gaps",
      gapsHint: "Customer questions the bot found no answer to, grouped by meaning.",
      gapsDays: "Period",
      days7: "7 days",
      days30: "30 days",
      days90: "90 days",
      loadGaps: "Show gaps",
      gapsLoading: "Looking for gaps…",
      gapsEmpty: (d) => `In ${d} days every customer question found an answer.`,
      gapsCount: (n, d) => `${n} group(s) in ${d} days, most frequent first.`,
      gapQuestions: (n) => `All questions in the group (${n})`,
      questionsWord: (n) => (n === 1 ? "question" : "questions"),
      kinds: { markdown: "Markdown", text: "text", html: "HTML", pdf: "PDF", docx: "DOCX", faq: "FAQ" },
      versionStatuses: { draft: "draft", published: "published", superseded: "superseded", discarded: "discarded" },
      docPublished: (v) => `published v${v}`,
      docDraft: (v) => `draft v${v}`,
      docDeleted: "deleted",
      docUnpublished: "not published",
      updated: (d) => `updated ${d}`,
      docId: (id) => `id: ${id}`,
      lang: (l) => `language: ${l}`,
      previewButton: "Preview",
      publishButton: "Publish",
      rollbackButton: "Roll back to this version",
      versionLabel: (v) => `v${v}`,
      createdBy: (who, d) => `${who}, ${d}`,
      publishedBy: (who, d) => (who ? `published by ${who}, ${d}` : `published ${d}`),
      size: (bytes) => formatSize(bytes, ["B", "KB", "MB"]),
      networkError: "The server is unreachable. Check the connection and try again — nothing you entered is lost.",
      loginCodes: {
        bad_credentials: "Wrong login or password.",
        forbidden: "This account has no knowledge base editor rights.",
        locked: "Too many failed sign-in attempts. The account is locked for a while — try again later.",
      },
      codes: {
        forbidden: "No access",
        conflict: "Someone else has changed the document — showing its current state",
        not_found: "Not found",
        invalid_document: "The document was not accepted",
        too_large: "The file is too large",
        index_unavailable: "The bot's knowledge base is unavailable right now, nothing was changed",
        bad_request: "The request was not accepted",
      },
      httpStatus: {
        403: "You have no rights for this action.",
        404: "Not found.",
        409: "Someone else has changed the document.",
        413: "The file is too large to upload.",
        422: "The document was not accepted: check its content.",
        429: "Too many attempts. Try again later.",
      },
      httpError: (s) => `Server error (${s}). Try again later — nothing you entered is lost.`,
    },
  };

  // Login, session, the API call, notices and the strings both staff pages use: staff.js.
  const staff = PerimeterStaff.create({
    api: "/admin/api",
    client: "perimeter-admin",
    root: "admin",
    strings: STRINGS,
    errorMessage,
    onLogin: startAdmin,
    onSessionEnded: closeConfirm,
    onLogout: resetWorkspace,
  });
  const {
    lang, t, el, button, hasKey, label, formatTime, timeNode, api, setNotice, setStatus, showApiError,
    showDetailPlaceholder, showDetailBody,
  } = staff;

  const $ = (id) => document.getElementById(id);
  const els = {
    uploadForm: $("upload-form"), uploadFile: $("upload-file"), uploadSubmit: $("upload-submit"), uploadStatus: $("upload-status"),
    documents: $("documents"), documentsEmpty: $("documents-empty"), documentsCount: $("documents-count"),
    documentsStatus: $("documents-status"), documentsFilter: $("documents-filter"), refresh: $("refresh"),
    detail: $("detail"), detailError: $("detail-error"),
    detailTitle: $("detail-title"), detailBadges: $("detail-badges"), detailMeta: $("detail-meta"), delete: $("delete"),
    versions: $("versions"),
    editorSection: $("editor-section"), editorLabel: $("editor-label"), editorState: $("editor-state"),
    editorReadonly: $("editor-readonly"), editorSource: $("editor-source"), editor: $("editor"), editorControls: $("editor-controls"),
    saveDraft: $("save-draft"), revertEditor: $("revert-editor"),
    preview: $("preview"), previewTitle: $("preview-title"), previewStatus: $("preview-status"),
    previewWarnings: $("preview-warnings"), previewChunks: $("preview-chunks"), previewChunksEmpty: $("preview-chunks-empty"),
    previewChunksCount: $("preview-chunks-count"), previewAnswers: $("preview-answers"),
    previewAnswersEmpty: $("preview-answers-empty"), previewAnswersCount: $("preview-answers-count"),
    actions: $("actions"), actionsEmpty: $("actions-empty"), actionsStatus: $("actions-status"),
    gapsDays: $("gaps-days"), loadGaps: $("load-gaps"), gapsStatus: $("gaps-status"), gaps: $("gaps"),
    confirmDialog: $("confirm-dialog"), confirmTitle: $("confirm-title"), confirmText: $("confirm-text"),
    confirmOk: $("confirm-ok"), confirmCancel: $("confirm-cancel"),
  };

  // The one piece of mutable state.
  const state = {
    documents: [],          // the last GET /documents answer
    documentsLoaded: false,
    documentsToken: 0,      // ignores stale list answers
    detailId: null,         // doc_id open in the detail pane
    detail: null,           // its GET /documents/{id} answer
    detailToken: 0,
    editorBase: null,       // the server text the editor started from (null: not editable)
    drafts: new Map(),      // doc_id -> {text, base}: unsaved editor text of documents not open right now
    preview: null,          // {docId, version} shown in the preview pane
    previewToken: 0,
    versionFocus: null,     // {version}: the publish / rollback button the user pressed (focus comes back to it)
    busy: false,            // an upload / save / publish / rollback / delete in flight
    uploading: false,
    actionsToken: 0,
    gapsToken: 0,
  };

  // ---------- small helpers ----------

  const isInt = (v) => typeof v === "number" && Number.isInteger(v);
  const attr = (v) => (v == null ? "" : String(v));

  function plural(n, one, few, many) {
    const a = Math.abs(n) % 100;
    const b = a % 10;
    if (a > 10 && a < 20) return many;
    if (b > 1 && b < 5) return few;
    if (b === 1) return one;
    return many;
  }

  function formatSize(bytes, units) {
    if (!Number.isFinite(bytes)) return "";
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    const digits = unit === 0 || value >= 10 ? 0 : 1;
    return `${value.toLocaleString(lang, { maximumFractionDigits: digits })} ${units[unit]}`;
  }

  function formatScore(score) {
    return typeof score === "number" && Number.isFinite(score)
      ? score.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : "";
  }

  const docTitle = (d) => (d && (d.title || d.doc_id)) || "";

  // «опубликован v2 · черновик v3», «удалён», …
  function documentStatus(d) {
    if (d.deleted) return t.docDeleted;
    const parts = [];
    if (isInt(d.published_version)) parts.push(t.docPublished(d.published_version));
    if (isInt(d.draft_version)) parts.push(t.docDraft(d.draft_version));
    return parts.length ? parts.join(" · ") : t.docUnpublished;
  }

  function documentState(d) {
    if (d.deleted) return "deleted";
    if (isInt(d.draft_version)) return isInt(d.published_version) ? "published-draft" : "draft";
    return isInt(d.published_version) ? "published" : "unpublished";
  }

  // ---------- API ----------

  // The server's message is shown as written (it names the reason: an encrypted PDF, a broken
  // front matter…), after a lead in the page's language when the code is known.
  function errorMessage(status, code, data, path) {
    if ((path === "/login" || path === "/me") && hasKey(t.loginCodes, code)) return t.loginCodes[code];
    const message = data && typeof data.message === "string" ? data.message.trim() : "";
    const lead = hasKey(t.codes, code) ? t.codes[code] : null;
    if (message) return lead ? `${lead}: ${message}` : message;
    if (lead) return `${lead}.`;
    return t.httpStatus[status] || t.httpError(status);
  }

  const docPath = (id) => `/documents/${encodeURIComponent(id)}`;

  // ---------- session ----------

  // Signed in (staff.js has shown the page and the user's name).
  function startAdmin() {
    loadDocuments();
    loadActions();
    if (state.detailId !== null) {
      const shown = state.preview;
      openDetail(state.detailId, { keepNotice: true });
      if (shown && shown.docId === state.detailId) loadPreview(shown.docId, shown.version);
    }
    updateControls();
    document.dispatchEvent(new CustomEvent("perimeter:admin-started"));
  }

  // Forget everything that belongs to a session (logout, or another user signing in).
  function resetWorkspace() {
    state.documents = [];
    state.documentsLoaded = false;
    state.documentsToken += 1;
    state.actionsToken += 1;
    state.gapsToken += 1;
    state.drafts.clear();
    closeDetail();
    els.uploadForm.reset();
    setStatus(els.uploadStatus, "");
    setStatus(els.documentsStatus, "");
    setStatus(els.actionsStatus, "");
    setStatus(els.gapsStatus, "");
    els.documentsFilter.value = "";
    els.actions.replaceChildren();
    els.actionsEmpty.hidden = true;
    els.gaps.replaceChildren();
    setNotice("");
    renderDocuments();
  }

  // ---------- controls ----------

  function editorDirty() {
    return state.editorBase !== null && els.editor.value !== state.editorBase;
  }

  function updateControls() {
    const d = state.detail ? state.detail.document : null;
    const editable = state.editorBase !== null;
    els.uploadSubmit.disabled = state.uploading;
    els.delete.disabled = state.busy || !d || d.deleted === true;
    els.saveDraft.disabled = state.busy || !editable;
    els.revertEditor.disabled = state.busy || !editorDirty();
    els.editor.readOnly = state.busy;
    els.versions.querySelectorAll("button.publish, button.rollback").forEach((b) => { b.disabled = state.busy; });
    const dirtyText = editorDirty() ? t.unsaved : "";
    if (els.editorState.textContent !== dirtyText) els.editorState.textContent = dirtyText;
  }

  // ---------- documents ----------

  async function loadDocuments() {
    const token = ++state.documentsToken;
    try {
      const data = await api("GET", "/documents");
      if (token !== state.documentsToken) return;
      state.documents = Array.isArray(data && data.documents) ? data.documents.filter((d) => d && d.doc_id != null) : [];
      state.documentsLoaded = true;
      setStatus(els.documentsStatus, "");
      renderDocuments();
    } catch (err) {
      if (token === state.documentsToken) showApiError(err, els.documentsStatus);
    }
  }

  // Put one fresh D into the list without waiting for the next GET /documents.
  function mergeDocument(d) {
    if (!d || d.doc_id == null) return;
    const i = state.documents.findIndex((x) => x.doc_id === d.doc_id);
    if (i >= 0) state.documents[i] = d;
    else state.documents.unshift(d);
    renderDocuments();
  }

  function renderDocuments() {
    const query = els.documentsFilter.value.trim().toLowerCase();
    let shown = 0;
    const items = state.documents.map((d) => {
      const li = el("li", "document");
      li.dataset.docId = String(d.doc_id);
      li.dataset.publishedVersion = attr(d.published_version);
      li.dataset.draftVersion = attr(d.draft_version);
      li.dataset.state = documentState(d);
      li.classList.toggle("deleted", d.deleted === true);
      const selected = d.doc_id === state.detailId;
      li.classList.toggle("selected", selected);

      const open = button("document-open item-open");
      open.setAttribute("aria-current", selected ? "true" : "false");
      const meta = el("span", "document-meta");
      meta.append(
        el("span", "document-id", String(d.doc_id)),
        el("span", "document-kind", label(t.kinds, d.kind)),
      );
      if (d.updated_at) meta.append(timeNode(d.updated_at));
      open.append(el("span", "title", docTitle(d)), el("span", "status", documentStatus(d)), meta);
      li.appendChild(open);

      const matches = !query || docTitle(d).toLowerCase().includes(query) || String(d.doc_id).toLowerCase().includes(query);
      li.hidden = !matches;
      if (matches) shown += 1;
      return li;
    });
    // Keep keyboard focus on the same document across the re-render.
    const focusedId = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("li.document")?.dataset.docId
      : undefined;
    els.documents.replaceChildren(...items);
    if (focusedId !== undefined) {
      const again = [...els.documents.children].find((li) => li.dataset.docId === focusedId);
      if (again) again.querySelector(".document-open").focus();
    }
    const total = state.documents.length;
    els.documentsCount.textContent = state.documentsLoaded ? `(${total})` : "";
    els.documentsEmpty.hidden = !state.documentsLoaded || shown > 0;
    els.documentsEmpty.textContent = total ? t.documentsNoMatch : t.documentsEmpty;
  }

  function onDocumentsClick(event) {
    const li = event.target.closest("li.document");
    if (!li || !els.documents.contains(li)) return;
    // event.detail === 0: activated from the keyboard, so move focus to the opened document;
    // so does a tap when the panes are stacked (the document is below the list).
    openDetail(li.dataset.docId, { focus: event.detail === 0 || staff.isStacked() });
  }

  // ---------- upload ----------

  function acceptedName(name) {
    const lower = name.toLowerCase();
    return ACCEPTED.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
  }

  async function upload(event) {
    event.preventDefault();
    if (state.uploading) return;
    const chosen = els.uploadFile.files ? [...els.uploadFile.files] : [];
    // Several files, or a zip: admin-workbench.js uploads them one by one with progress.
    if (chosen.length > 1 || (chosen[0] && chosen[0].name.toLowerCase().endsWith(".zip"))) {
      state.uploading = true;
      updateControls();
      try {
        await window.PerimeterWorkbench.uploadMany(chosen);
        els.uploadForm.reset();
      } finally {
        state.uploading = false;
        updateControls();
        loadDocuments();
        loadActions();
      }
      return;
    }
    const file = chosen[0];
    if (!file) {
      setStatus(els.uploadStatus, t.uploadNoFile, "error");
      els.uploadFile.focus();
      return;
    }
    if (!acceptedName(file.name)) {
      setStatus(els.uploadStatus, t.uploadBadType(file.name), "error");
      els.uploadFile.focus();
      return;
    }
    if (file.size === 0) {
      setStatus(els.uploadStatus, t.uploadEmpty(file.name), "error");
      els.uploadFile.focus();
      return;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    state.uploading = true;
    updateControls();
    setStatus(els.uploadStatus, t.uploading(file.name), "info");
    let data;
    try {
      data = await api("POST", "/documents", form);
    } catch (err) {
      // The chosen file stays in the input: fix the problem (or log in again) and press the button again.
      if (err.status === 401) setStatus(els.uploadStatus, "");
      else showApiError(err, els.uploadStatus);
      return;
    } finally {
      state.uploading = false;
      updateControls();
    }
    const d = data && data.document;
    const v = data && data.version;
    els.uploadForm.reset();
    setStatus(els.uploadStatus, t.uploaded(docTitle(d) || file.name, v && v.version), "ok");
    if (d) mergeDocument(d);
    loadDocuments();
    loadActions();
    if (d && d.doc_id != null) {
      await openDetail(d.doc_id, { keepNotice: false });
      if (v && isInt(v.version) && state.detailId === d.doc_id) loadPreview(d.doc_id, v.version);
    }
  }

  // ---------- detail pane ----------

  // Remember the unsaved text of the open document before it is replaced.
  function stashEditor() {
    if (state.detailId === null) return;
    if (editorDirty()) state.drafts.set(state.detailId, { text: els.editor.value, base: state.editorBase });
    else state.drafts.delete(state.detailId);
  }

  function setDetailAttributes() {
    if (state.detailId === null) delete els.detail.dataset.docId;
    else els.detail.dataset.docId = String(state.detailId);
  }

  function markSelected() {
    els.documents.querySelectorAll("li.document").forEach((li) => {
      const selected = li.dataset.docId === state.detailId;
      li.classList.toggle("selected", selected);
      li.querySelector(".document-open").setAttribute("aria-current", selected ? "true" : "false");
    });
  }

  function closeDetail() {
    state.detailToken += 1;
    state.detailId = null;
    state.detail = null;
    state.editorBase = null;
    els.editor.value = "";
    clearPreview();
    els.versions.replaceChildren();
    showDetailPlaceholder(t.selectPrompt);
    setDetailAttributes();
    markSelected();
    updateControls();
  }

  // Open (or, for the same id, reload) a document in the detail pane.
  async function openDetail(id, { focus = false, keepNotice = false } = {}) {
    if (id == null) return;
    id = String(id);
    const switching = state.detailId !== id;
    if (switching) {
      stashEditor();
      state.detail = null;
      state.editorBase = null;
      els.editor.value = "";
      clearPreview();
      els.versions.replaceChildren();
      showDetailPlaceholder(t.loading);
    }
    const token = ++state.detailToken;
    state.detailId = id;
    if (!keepNotice) setNotice("");
    setDetailAttributes();
    markSelected();
    updateControls();

    let data;
    try {
      data = await api("GET", docPath(id));
    } catch (err) {
      if (token !== state.detailToken) return;
      if (!state.detail) showDetailPlaceholder("");
      showApiError(err);
      return;
    }
    if (token !== state.detailToken) return;
    if (!data || !data.document) data = { document: { doc_id: id }, versions: [], text: null, editable: false };
    const previousBase = state.editorBase;
    const hadDirty = editorDirty();
    state.detail = data;
    renderDetail({ switching, previousBase, hadDirty });
    if (focus) els.detailTitle.focus();
  }

  // Reload after an action: list, history and the open document together.
  function refreshAll(docId) {
    if (!staff.me) return Promise.resolve(); // logged out meanwhile: the login brings everything back
    loadDocuments();
    loadActions();
    if (docId != null && state.detailId === docId) return openDetail(docId, { keepNotice: true });
    return Promise.resolve();
  }

  function renderDetail({ switching, previousBase, hadDirty }) {
    const data = state.detail;
    const d = data.document;
    showDetailBody();
    els.detailTitle.textContent = docTitle(d);

    const badges = [el("span", `badge badge-state state-${documentState(d)}`, documentStatus(d))];
    if (d.kind) badges.push(el("span", "badge", label(t.kinds, d.kind)));
    els.detailBadges.replaceChildren(...badges);
    const meta = [el("span", "doc-id", t.docId(d.doc_id))];
    if (d.lang) meta.push(el("span", null, t.lang(d.lang)));
    if (d.updated_at) meta.push(el("span", null, t.updated(formatTime(d.updated_at))));
    els.detailMeta.replaceChildren(...meta);

    renderVersions(Array.isArray(data.versions) ? data.versions : [], d);
    renderEditor(data, { switching, previousBase, hadDirty });
    updateControls();
    document.dispatchEvent(new CustomEvent("perimeter:document", { detail: { data, switching } }));
  }

  function renderEditor(data, { switching, previousBase, hadDirty }) {
    const editable = data.editable === true && typeof data.text === "string";
    els.editor.hidden = !editable;
    els.editorControls.hidden = !editable;
    els.editorReadonly.hidden = editable;
    const kind = data.document && data.document.kind;
    // The text is the newest version's: say so when that is not the version the bot answers from.
    const newest = Array.isArray(data.versions) ? data.versions.find((v) => v && isInt(v.version)) : null;
    const published = data.document && isInt(data.document.published_version) ? data.document.published_version : null;
    const showSource = editable && newest && newest.version !== published;
    els.editorSource.hidden = !showSource;
    els.editorSource.textContent = showSource
      ? t.editorSource(newest.version, label(t.versionStatuses, newest.status), published)
      : "";
    els.editorLabel.textContent = kind ? t.editorTitleKind(label(t.kinds, kind)) : t.editorTitle;
    if (!editable) {
      // Unsaved text of a document that is no longer editable is kept in the drafts, not dropped.
      if (!switching && hadDirty) state.drafts.set(state.detailId, { text: els.editor.value, base: previousBase });
      state.editorBase = null;
      els.editor.value = "";
      return;
    }
    const serverText = data.text;
    if (switching) {
      const stash = state.drafts.get(state.detailId);
      state.drafts.delete(state.detailId);
      state.editorBase = serverText;
      els.editor.value = stash ? stash.text : serverText;
      if (stash && stash.text !== serverText) {
        setNotice(stash.base === serverText ? t.restoredDraft : t.changedMeanwhile, "info");
      }
    } else if (hadDirty) {
      // Never overwrite what the editor typed; just move the base under it.
      state.editorBase = serverText;
      if (previousBase !== null && previousBase !== serverText && els.editor.value !== serverText && !els.detailError.textContent) {
        setNotice(t.changedMeanwhile, "info");
      }
    } else {
      state.editorBase = serverText;
      els.editor.value = serverText;
    }
  }

  function renderVersions(versions, d) {
    // A keyboard user who pressed «Опубликовать» keeps focus on that version after the re-render
    // (the button itself was disabled meanwhile, which took the focus away).
    const active = document.activeElement;
    const focusedLi = active && els.versions.contains(active) ? active.closest("li.version") : null;
    let focusedVersion = focusedLi ? focusedLi.dataset.version : null;
    let focusedKind = focusedVersion && active.classList.contains("preview") ? "preview" : null;
    const used = state.versionFocus;
    if (used && (active === document.body || active === null)) {
      focusedVersion = String(used.version);
      focusedKind = null;
    }
    state.versionFocus = null;
    els.versions.replaceChildren(...versions.filter((v) => v && isInt(v.version)).map((v) => versionNode(v, d)));
    if (focusedVersion === null) return;
    const li = [...els.versions.children].find((n) => n.dataset.version === focusedVersion);
    const target = li && (li.querySelector(focusedKind ? `button.${focusedKind}` : "button.publish, button.rollback") || li.querySelector("button.preview"));
    (target || els.detailTitle).focus();
  }

  function versionNode(v, d) {
    const status = VERSION_STATUSES.includes(v.status) ? v.status : String(v.status || "");
    const li = el("li", `version status-${status}`);
    li.dataset.version = String(v.version);
    li.dataset.status = status;
    if (state.preview && state.preview.docId === state.detailId && state.preview.version === v.version) li.classList.add("previewing");

    const head = el("div", "version-head");
    head.append(
      el("span", "version-number", t.versionLabel(v.version)),
      el("span", `badge version-status status-${status}`, label(t.versionStatuses, status)),
    );
    if (v.filename) head.append(el("span", "version-filename", v.filename));
    if (isInt(v.size)) head.append(el("span", "version-size", t.size(v.size)));

    const meta = el("div", "version-meta");
    const created = el("span", "version-created");
    created.append(document.createTextNode(v.author ? `${v.author}, ` : ""), timeNode(v.created_at));
    meta.append(created);
    if (v.published_at) {
      const pub = el("span", "version-published", t.publishedBy(v.published_by, formatTime(v.published_at)));
      meta.append(pub);
    }
    if (v.content_hash) {
      const hash = el("span", "version-hash", String(v.content_hash).slice(0, 12));
      hash.title = String(v.content_hash);
      meta.append(hash);
    }

    const actions = el("div", "version-actions");
    const vName = t.versionLabel(v.version);
    const preview = button("preview secondary", t.previewButton, `${t.previewButton} ${vName}`);
    preview.addEventListener("click", (e) => loadPreview(state.detailId, v.version, { focus: e.detail === 0 }));
    actions.append(preview);
    if (status === "draft") {
      const publish = button("publish", t.publishButton, `${t.publishButton} ${vName}`);
      publish.addEventListener("click", () => {
        state.versionFocus = { version: v.version };
        publishVersion(v.version);
      });
      actions.append(publish);
    } else if (status === "superseded") {
      const rollback = button("rollback secondary", t.rollbackButton, `${t.rollbackButton}: ${vName}`);
      rollback.addEventListener("click", () => {
        state.versionFocus = { version: v.version };
        rollbackTo(v.version);
      });
      actions.append(rollback);
    }
    li.append(head, meta, actions);
    return li;
  }

  // ---------- preview ----------

  function clearPreview() {
    state.previewToken += 1;
    state.preview = null;
    els.preview.hidden = true;
    delete els.preview.dataset.docId;
    delete els.preview.dataset.version;
    els.previewChunks.replaceChildren();
    els.previewAnswers.replaceChildren();
    els.previewWarnings.replaceChildren();
    els.previewWarnings.hidden = true;
    els.previewChunksCount.textContent = "";
    els.previewAnswersCount.textContent = "";
    els.previewChunksEmpty.hidden = true;
    els.previewAnswersEmpty.hidden = true;
    setStatus(els.previewStatus, "");
    markPreviewing();
  }

  function markPreviewing() {
    els.versions.querySelectorAll("li.version").forEach((li) => {
      const on = Boolean(state.preview) && state.preview.docId === state.detailId && String(state.preview.version) === li.dataset.version;
      li.classList.toggle("previewing", on);
    });
  }

  async function loadPreview(docId, version, { focus = false } = {}) {
    if (docId == null || !isInt(version)) return;
    clearPreview();
    const token = state.previewToken;
    state.preview = { docId, version };
    els.preview.hidden = false;
    els.preview.dataset.docId = docId;
    els.preview.dataset.version = String(version);
    els.preview.setAttribute("aria-busy", "true");
    els.previewTitle.textContent = t.previewTitle(version);
    setStatus(els.previewStatus, t.previewLoading, "info");
    markPreviewing();
    if (focus) els.previewTitle.focus();
    let data;
    try {
      data = await api("GET", `${docPath(docId)}/versions/${encodeURIComponent(version)}/preview`);
    } catch (err) {
      if (token !== state.previewToken) return;
      els.preview.removeAttribute("aria-busy");
      showApiError(err, els.previewStatus);
      if (err.status === 401) setStatus(els.previewStatus, "");
      return;
    }
    if (token !== state.previewToken) return;
    els.preview.removeAttribute("aria-busy");
    setStatus(els.previewStatus, "");
    renderPreview(data || {});
  }

  function renderPreview(data) {
    const warnings = Array.isArray(data.warnings) ? data.warnings.filter((w) => w != null && w !== "") : [];
    els.previewWarnings.replaceChildren(...warnings.map((w) => el("li", "warning", String(w))));
    els.previewWarnings.hidden = warnings.length === 0;

    const answers = Array.isArray(data.answers) ? data.answers.filter(Boolean) : [];
    els.previewAnswers.replaceChildren(...answers.map((a) => {
      const li = el("li", "answer");
      if (a.case_id != null) li.dataset.caseId = String(a.case_id);
      const score = el("span", "score", formatScore(a.score));
      score.title = t.scoreLabel;
      score.setAttribute("aria-label", `${t.scoreLabel} ${formatScore(a.score)}`);
      const line = el("div", "answer-line");
      line.append(el("span", "question", a.question || ""), score);
      const meta = el("div", "answer-meta");
      if (a.case_id != null) meta.append(el("span", "case-id", String(a.case_id)));
      meta.append(el("span", "section", a.section || t.noSection));
      li.append(line, meta);
      return li;
    }));
    els.previewAnswersEmpty.hidden = answers.length > 0;
    els.previewAnswersCount.textContent = `(${answers.length})`;

    const chunks = Array.isArray(data.chunks) ? data.chunks.filter(Boolean) : [];
    els.previewChunks.replaceChildren(...chunks.map((c, i) => {
      const li = el("li", "chunk");
      const index = isInt(c.index) ? c.index : i;
      li.dataset.index = String(index);
      const head = el("div", "chunk-head");
      head.append(el("span", "chunk-index", t.chunkNo(index + 1)), el("span", "section", c.section || t.noSection));
      li.append(head, el("div", "text", c.text || ""));
      return li;
    }));
    els.previewChunksEmpty.hidden = chunks.length > 0;
    els.previewChunksCount.textContent = `(${chunks.length})`;
  }

  // ---------- actions on a document ----------

  async function guarded(fn) {
    if (state.busy) return;
    state.busy = true;
    updateControls();
    try {
      await fn();
    } finally {
      state.busy = false;
      updateControls();
    }
  }

  async function saveDraft() {
    const id = state.detailId;
    if (id === null || state.editorBase === null || state.busy) return;
    const text = els.editor.value;
    if (!text.trim()) {
      setNotice(t.emptyText, "error");
      els.editor.focus();
      return;
    }
    let data;
    await guarded(async () => {
      try {
        data = await api("PUT", `${docPath(id)}/draft`, { text });
      } catch (err) {
        showApiError(err); // the text stays in the editor
        if (err.status === 409) await refreshAll(id);
      }
    });
    if (!data) {
      if (state.detailId === id && !els.editor.hidden && staff.me) els.editor.focus();
      return;
    }
    const v = data.version;
    if (data.document) mergeDocument(data.document);
    if (state.detailId === id && els.editor.value === text) state.editorBase = text; // saved: no longer dirty
    else if (state.detailId !== id) state.drafts.delete(id);
    if (state.detailId === id) setNotice(t.draftSaved(v && v.version), "ok");
    await refreshAll(id);
    if (state.detailId === id && v && isInt(v.version)) loadPreview(id, v.version);
  }

  async function publishVersion(version) {
    const id = state.detailId;
    const d = state.detail && state.detail.document;
    if (id === null || !d || state.busy) return;
    const expected = isInt(d.published_version) ? d.published_version : null;
    await guarded(async () => {
      try {
        const data = await api("POST", `${docPath(id)}/versions/${encodeURIComponent(version)}/publish`, { expected_published: expected });
        if (data && data.document) mergeDocument(data.document);
        if (state.detailId === id) setNotice(t.published(version), "ok");
      } catch (err) {
        showApiError(err);
      }
    });
    await refreshAll(id);
  }

  async function rollbackTo(version) {
    const id = state.detailId;
    const d = state.detail && state.detail.document;
    if (id === null || !d || state.busy) return;
    const expected = isInt(d.published_version) ? d.published_version : null;
    await guarded(async () => {
      try {
        const data = await api("POST", `${docPath(id)}/rollback`, { version, expected_published: expected });
        if (data && data.document) mergeDocument(data.document);
        if (state.detailId === id) setNotice(t.rolledBack(version), "ok");
      } catch (err) {
        showApiError(err);
      }
    });
    await refreshAll(id);
  }

  async function deleteDocument() {
    const id = state.detailId;
    const d = state.detail && state.detail.document;
    if (id === null || !d || state.busy) return;
    const title = docTitle(d);
    const ok = await confirmAction(t.confirmDeleteTitle, t.confirmDeleteText(title), t.confirmDeleteOk);
    if (!ok || state.detailId !== id || !staff.me) {
      els.delete.focus();
      return;
    }
    let done = false;
    await guarded(async () => {
      try {
        const data = await api("DELETE", docPath(id));
        if (data && data.document) mergeDocument(data.document);
        done = true;
        if (state.detailId === id) setNotice(t.deleted(title), "ok");
      } catch (err) {
        showApiError(err);
      }
    });
    await refreshAll(id);
    if (done && state.detailId === id) els.detailTitle.focus();
  }

  function onEditorKeydown(event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S" || event.key === "ы" || event.key === "Ы")) {
      event.preventDefault();
      saveDraft();
    }
  }

  function revertEditor() {
    if (state.editorBase === null) return;
    els.editor.value = state.editorBase;
    state.drafts.delete(state.detailId);
    setNotice("");
    updateControls();
    els.editor.focus();
  }

  // ---------- confirmation dialog ----------

  let confirmResolve = null;

  function confirmAction(title, text, okText) {
    const dialog = els.confirmDialog;
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(`${title}\n\n${text}`));
    }
    closeConfirm();
    els.confirmTitle.textContent = title;
    els.confirmText.textContent = text;
    els.confirmOk.textContent = okText;
    dialog.returnValue = "";
    return new Promise((resolve) => {
      confirmResolve = resolve;
      dialog.showModal();
      els.confirmCancel.focus(); // the safe choice is the default
    });
  }

  function onConfirmClose() {
    const resolve = confirmResolve;
    confirmResolve = null;
    if (resolve) resolve(els.confirmDialog.returnValue === "ok");
  }

  function closeConfirm() {
    if (els.confirmDialog && els.confirmDialog.open) {
      els.confirmDialog.returnValue = "";
      els.confirmDialog.close();
    }
    onConfirmClose();
  }

  // ---------- history ----------

  async function loadActions() {
    const token = ++state.actionsToken;
    try {
      const data = await api("GET", `/actions?limit=${ACTIONS_LIMIT}`);
      if (token !== state.actionsToken) return;
      setStatus(els.actionsStatus, "");
      renderActions(Array.isArray(data && data.actions) ? data.actions.filter(Boolean) : []);
    } catch (err) {
      if (token === state.actionsToken) showApiError(err, els.actionsStatus);
    }
  }

  function renderActions(actions) {
    els.actions.replaceChildren(...actions.map((a) => {
      const li = el("li", "action");
      if (a.action) li.dataset.action = String(a.action);
      if (a.doc_id != null) li.dataset.docId = String(a.doc_id);
      const head = el("div", "action-head");
      head.append(timeNode(a.at), el("span", "action-actor", a.actor || ""), el("span", "action-name", label(t.actionNames, a.action)));
      li.append(head);
      if (a.doc_id != null && a.doc_id !== "") {
        const target = el("div", "action-target");
        const docName = String(a.doc_id) + (isInt(a.version) ? ` ${t.versionLabel(a.version)}` : "");
        const open = button("action-doc link", docName);
        open.addEventListener("click", (e) => openDetail(String(a.doc_id), { focus: e.detail === 0 || staff.isStacked() }));
        target.append(open);
        li.append(target);
      }
      if (a.detail) li.append(el("div", "action-detail", a.detail));
      return li;
    }));
    els.actionsEmpty.hidden = actions.length > 0;
  }

  // ---------- gaps ----------

  async function loadGaps() {
    const token = ++state.gapsToken;
    const days = Number(els.gapsDays.value) || 30;
    els.loadGaps.disabled = true;
    setStatus(els.gapsStatus, t.gapsLoading, "info");
    try {
      const data = await api("GET", `/gaps?days=${encodeURIComponent(days)}`);
      if (token !== state.gapsToken) return;
      const gaps = Array.isArray(data && data.gaps) ? data.gaps.filter(Boolean) : [];
      renderGaps(gaps);
      setStatus(els.gapsStatus, gaps.length ? t.gapsCount(gaps.length, days) : t.gapsEmpty(days), gaps.length ? "" : "ok");
    } catch (err) {
      if (token !== state.gapsToken) return;
      if (err.status === 401) setStatus(els.gapsStatus, "");
      else showApiError(err, els.gapsStatus);
    } finally {
      if (token === state.gapsToken) els.loadGaps.disabled = false;
    }
  }

  function renderGaps(gaps) {
    els.gaps.replaceChildren(...gaps.map((g) => {
      const li = el("li", "gap");
      const size = isInt(g.size) ? g.size : (Array.isArray(g.questions) ? g.questions.length : 0);
      const head = el("div", "gap-head");
      head.append(el("span", "size", String(size)), el("span", "size-label", t.questionsWord(size)));
      li.append(head, el("div", "example", g.example || ""));
      const questions = Array.isArray(g.questions) ? g.questions.filter((q) => q != null && q !== "") : [];
      if (window.PerimeterWorkbench) li.append(window.PerimeterWorkbench.gapButton(g));
      if (questions.length) {
        const details = el("details", "gap-questions");
        details.append(el("summary", null, t.gapQuestions(questions.length)));
        const list = el("ul", "questions");
        list.append(...questions.map((q) => el("li", "question", String(q))));
        details.append(list);
        li.append(details);
      }
      return li;
    }));
  }

  // ---------- wiring ----------

  function wire() {
    els.uploadForm.addEventListener("submit", upload);
    els.uploadFile.addEventListener("change", () => setStatus(els.uploadStatus, ""));
    els.documents.addEventListener("click", onDocumentsClick);
    els.documentsFilter.addEventListener("input", renderDocuments);
    els.refresh.addEventListener("click", () => refreshAll(state.detailId));
    els.delete.addEventListener("click", deleteDocument);
    els.saveDraft.addEventListener("click", saveDraft);
    els.revertEditor.addEventListener("click", revertEditor);
    els.editor.addEventListener("input", updateControls);
    els.editor.addEventListener("keydown", onEditorKeydown);
    els.loadGaps.addEventListener("click", loadGaps);
    els.confirmDialog.addEventListener("close", onConfirmClose);
    // Closing the tab with unsaved editor text asks first.
    window.addEventListener("beforeunload", (event) => {
      if (editorDirty() || [...state.drafts.values()].some((s) => s.text !== s.base)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // admin-workbench.js acts on the page through these.
  window.PerimeterAdmin = Object.freeze({
    staff,
    openDetail: (id) => openDetail(id, { focus: true }),
    refreshAll,
    get detail() { return state.detail; },
  });

  wire();
  updateControls();
  staff.start();
})();
