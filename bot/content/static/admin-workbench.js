// Perimeter knowledge-base admin, the workbench module: several files or a zip at once (with
// progress and a result per file), search in the documents' text, a side-by-side diff of two
// versions, «ask as a customer» against a version, the documents indexed from the command
// line, and a new document started from a group of unanswered questions. It follows
// admin.js through perimeter:document events and acts through window.PerimeterAdmin.
"use strict";

(() => {
  const STRINGS = {
    ru: {
      uploadResultsLabel: "Результаты загрузки",
      textSearchTitle: "Поиск по тексту",
      textSearchLabel: "Текст в документах",
      textSearchPlaceholder: "Например: 99 ₽ в месяц",
      textSearchSubmit: "Найти",
      indexedTitle: "Загружены из командной строки",
      indexedHint: "Бот отвечает по ним, но здесь их версии не ведутся. «Взять под управление» делает файл первой версией.",
      askTitle: "Спросить как клиент",
      askVersion: "Версия",
      askQuestion: "Вопрос",
      askPlaceholder: "Как клиент спросил бы в чате",
      askSubmit: "Спросить",
      askPassages: "Фрагменты, которые найдёт бот",
      diffTitle: "Сравнить версии",
      diffLeft: "Было",
      diffRight: "Стало",
      diffSubmit: "Сравнить",
      diffLabel: "Различия версий",
      newTitle: "Новый документ из вопросов клиентов",
      newName: "Имя файла",
      newText: "Текст (впишите ответы)",
      newSave: "Сохранить черновик",
      cancel: "Отмена",
      uploadingMany: (done, all) => `Загружено ${done} из ${all}…`,
      uploadedMany: (ok, all) => `Черновиков: ${ok} из ${all}. Остальные — с причиной ниже.`,
      unpacking: (name) => `Распаковываем ${name}…`,
      versionOption: (v, status) => `версия ${v} (${status})`,
      statuses: { draft: "черновик", published: "опубликована", archived: "в архиве" },
      asking: "Спрашиваем…",
      outcomes: {
        faq: "Бот ответит готовым ответом из FAQ:",
        quoted: "Бот процитирует строку документа:",
        written: "Бот ответит так (текст пишет модель):",
        abstained: "Модель не нашла ответа во фрагментах: бот передаст вопрос оператору.",
        ungrounded: "Ответ модели не подтвердился фрагментами: бот передаст вопрос оператору.",
        not_found: "Бот не найдёт уверенного ответа и передаст вопрос оператору.",
        model_unavailable: "Модель сейчас недоступна; ниже фрагменты, которые бот найдёт.",
      },
      fromDraft: "из этой версии",
      comparing: "Сравниваем…",
      noChanges: "Версии совпадают.",
      changes: (n) => `Изменённых строк: ${n}`,
      searching: "Ищем…",
      hits: (n) => (n ? `Найдено: ${n}` : "Не найдено."),
      where: { published: "опубликовано", draft: "черновик" },
      adopt: "Взять под управление",
      adopted: (id) => `«${id}» теперь ведётся здесь.`,
      indexedNone: "Таких документов нет.",
      chunksWord: (n) => `фрагментов: ${n}`,
      createDocument: "Создать документ",
      answerPlaceholder: "(впишите ответ)",
      saved: (name) => `Черновик ${name} сохранён.`,
    },
    en: {
      uploadResultsLabel: "Upload results",
      textSearchTitle: "Search the text",
      textSearchLabel: "Text in the documents",
      textSearchPlaceholder: "For example: 99 ₽ a month",
      textSearchSubmit: "Search",
      indexedTitle: "Indexed from the command line",
      indexedHint: "The bot answers from them, but their versions are not kept here. «Take over» makes the file version 1.",
      askTitle: "Ask as a customer",
      askVersion: "Version",
      askQuestion: "Question",
      askPlaceholder: "As a customer would ask in the chat",
      askSubmit: "Ask",
      askPassages: "Passages the bot would find",
      diffTitle: "Compare versions",
      diffLeft: "Before",
      diffRight: "After",
      diffSubmit: "Compare",
      diffLabel: "Differences between versions",
      newTitle: "A new document from customers' questions",
      newName: "File name",
      newText: "Text (write the answers)",
      newSave: "Save draft",
      cancel: "Cancel",
      uploadingMany: (done, all) => `Uploaded ${done} of ${all}…`,
      uploadedMany: (ok, all) => `Drafts: ${ok} of ${all}. The others, with their reasons, below.`,
      unpacking: (name) => `Unpacking ${name}…`,
      versionOption: (v, status) => `version ${v} (${status})`,
      statuses: { draft: "draft", published: "published", archived: "archived" },
      asking: "Asking…",
      outcomes: {
        faq: "The bot would answer with the FAQ's curated answer:",
        quoted: "The bot would quote a line of the document:",
        written: "The bot would answer (the model writes it):",
        abstained: "The model would find no answer in the passages: the bot would hand over.",
        ungrounded: "The model's answer would not be confirmed: the bot would hand over.",
        not_found: "The bot would find no confident answer and hand over.",
        model_unavailable: "The model is unavailable now; below, the passages the bot would find.",
      },
      fromDraft: "from this version",
      comparing: "Comparing…",
      noChanges: "The versions are the same.",
      changes: (n) => `Changed lines: ${n}`,
      searching: "Searching…",
      hits: (n) => (n ? `Found: ${n}` : "Nothing found."),
      where: { published: "published", draft: "draft" },
      adopt: "Take over",
      adopted: (id) => `«${id}» is kept here now.`,
      indexedNone: "No such documents.",
      chunksWord: (n) => `chunks: ${n}`,
      createDocument: "Start a document",
      answerPlaceholder: "(write the answer)",
      saved: (name) => `Draft ${name} saved.`,
    },
  };

  const admin = window.PerimeterAdmin;
  const { staff } = admin;
  const { el, button, api, setStatus, showApiError, label } = staff;
  const own = staff.translate(STRINGS);
  const $ = (id) => document.getElementById(id);
  const els = {
    progress: $("upload-progress"), results: $("upload-results"), uploadStatus: $("upload-status"),
    searchForm: $("text-search-form"), search: $("text-search"), searchStatus: $("text-search-status"), hits: $("text-hits"),
    indexed: $("indexed"), indexedStatus: $("indexed-status"),
    askForm: $("ask-form"), askVersion: $("ask-version"), askQuestion: $("ask-question"), askStatus: $("ask-status"),
    askResult: $("ask-result"), askAnswer: $("ask-answer"), askPassages: $("ask-passages"),
    diffForm: $("diff-form"), diffLeft: $("diff-left"), diffRight: $("diff-right"), diffStatus: $("diff-status"), diff: $("diff"),
    newDialog: $("new-dialog"), newForm: $("new-form"), newName: $("new-name"), newText: $("new-text"),
    newStatus: $("new-status"), newCancel: $("new-cancel"),
  };
  let docId = null;

  // ---------- many files or a zip ----------

  function resultNode(r) {
    const item = el("li", r.error ? "upload-result failed" : "upload-result");
    item.append(el("span", "upload-name", r.filename));
    item.append(el("span", "upload-outcome", r.error || `${r.doc_id} · v${r.version}`));
    return item;
  }

  async function uploadMany(files) {
    els.results.replaceChildren();
    els.progress.hidden = false;
    els.progress.max = files.length;
    els.progress.value = 0;
    const results = [];
    for (const file of files) {
      if (file.name.toLowerCase().endsWith(".zip")) {
        setStatus(els.uploadStatus, own.unpacking(file.name), "info");
        const form = new FormData();
        form.append("file", file, file.name);
        try {
          const data = await api("POST", "/documents/zip", form);
          for (const r of data.results || []) { results.push(r); els.results.appendChild(resultNode(r)); }
        } catch (err) {
          const r = { filename: file.name, error: err.message };
          results.push(r);
          els.results.appendChild(resultNode(r));
        }
      } else {
        const form = new FormData();
        form.append("file", file, file.name);
        let r;
        try {
          const data = await api("POST", "/documents", form);
          r = { filename: file.name, doc_id: data.document.doc_id, version: data.version.version };
        } catch (err) {
          r = { filename: file.name, error: err.message };
        }
        results.push(r);
        els.results.appendChild(resultNode(r));
      }
      els.progress.value += 1;
      setStatus(els.uploadStatus, own.uploadingMany(els.progress.value, files.length), "info");
    }
    els.progress.hidden = true;
    const ok = results.filter((r) => !r.error).length;
    setStatus(els.uploadStatus, own.uploadedMany(ok, results.length), ok === results.length ? "ok" : "error");
  }

  // ---------- search in the text ----------

  els.searchForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = els.search.value.trim();
    if (q.length < 2) return;
    setStatus(els.searchStatus, own.searching, "info");
    els.hits.replaceChildren();
    try {
      const data = await api("GET", `/search?q=${encodeURIComponent(q)}`);
      const hits = data.hits || [];
      setStatus(els.searchStatus, own.hits(hits.length), "ok");
      for (const h of hits) {
        const item = el("li", "text-hit");
        const open = button("text-hit-open", "");
        open.dataset.docId = h.doc_id;
        open.append(
          el("span", "text-hit-title", `${h.title} · ${label(own.where, h.where)}`),
          el("span", "text-hit-snippet", h.snippet),
        );
        open.addEventListener("click", () => admin.openDetail(h.doc_id));
        item.appendChild(open);
        els.hits.appendChild(item);
      }
    } catch (err) {
      showApiError(err, els.searchStatus);
    }
  });

  // ---------- documents indexed from the command line ----------

  async function loadIndexed() {
    try {
      const data = await api("GET", "/indexed");
      const documents = data.documents || [];
      els.indexed.replaceChildren();
      if (!documents.length) els.indexed.appendChild(el("li", "placeholder", own.indexedNone));
      for (const d of documents) {
        const item = el("li", "indexed-item");
        item.dataset.docId = d.doc_id;
        const take = button("secondary small", own.adopt, `${own.adopt}: ${d.doc_id}`);
        take.addEventListener("click", () => adopt(d.doc_id, take));
        item.append(el("span", "indexed-id", d.doc_id), el("span", "indexed-meta", `${own.chunksWord(d.chunks)} · ${d.source}`), take);
        els.indexed.appendChild(item);
      }
    } catch (err) {
      showApiError(err, els.indexedStatus);
    }
  }

  async function adopt(id, control) {
    control.disabled = true;
    try {
      await api("POST", `/indexed/${encodeURIComponent(id)}/adopt`);
      setStatus(els.indexedStatus, own.adopted(id), "ok");
      await loadIndexed();
      await admin.refreshAll(null);
      admin.openDetail(id);
    } catch (err) {
      control.disabled = false;
      showApiError(err, els.indexedStatus);
    }
  }

  // ---------- the open document: versions to ask and compare ----------

  document.addEventListener("perimeter:document", (event) => {
    const { data, switching } = event.detail;
    const id = data.document.doc_id;
    const versions = Array.isArray(data.versions) ? data.versions : [];
    const option = (v) => new Option(own.versionOption(v.version, label(own.statuses, v.status)), String(v.version));
    for (const select of [els.askVersion, els.diffLeft, els.diffRight]) {
      const kept = select.value;
      select.replaceChildren(...versions.map(option));
      if (!switching && kept) select.value = kept;
    }
    if (switching || id !== docId) {
      docId = id;
      els.askResult.hidden = true;
      els.askStatus.textContent = "";
      els.diff.replaceChildren();
      els.diffStatus.textContent = "";
      if (versions.length > 1) els.diffLeft.value = String(versions[1].version);
    }
    els.diffForm.hidden = versions.length < 2;
  });

  els.askForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = els.askQuestion.value.trim();
    if (!question || docId === null) return;
    setStatus(els.askStatus, own.asking, "info");
    els.askResult.hidden = true;
    try {
      const version = encodeURIComponent(els.askVersion.value);
      const data = await api("POST", `/documents/${encodeURIComponent(docId)}/versions/${version}/ask`, { question });
      setStatus(els.askStatus, own.outcomes[data.outcome] || data.outcome, data.text ? "ok" : "info");
      els.askAnswer.textContent = data.text || "";
      els.askAnswer.hidden = !data.text;
      els.askPassages.replaceChildren(...(data.passages || []).map((p) => {
        const item = el("li", p.from_draft ? "ask-passage from-draft" : "ask-passage");
        const head = `${p.title}${p.section ? ` — ${p.section}` : ""} · ${p.score}${p.from_draft ? ` · ${own.fromDraft}` : ""}`;
        item.append(el("div", "ask-passage-head", head), el("div", "ask-passage-text", p.text));
        return item;
      }));
      els.askResult.hidden = false;
    } catch (err) {
      showApiError(err, els.askStatus);
    }
  });

  els.diffForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (docId === null) return;
    setStatus(els.diffStatus, own.comparing, "info");
    try {
      const q = `left=${encodeURIComponent(els.diffLeft.value)}&right=${encodeURIComponent(els.diffRight.value)}`;
      const data = await api("GET", `/documents/${encodeURIComponent(docId)}/diff?${q}`);
      renderDiff(data);
    } catch (err) {
      showApiError(err, els.diffStatus);
    }
  });

  function renderDiff(data) {
    const rows = data.rows || [];
    const changed = rows.filter((r) => r.kind !== "equal").length;
    setStatus(els.diffStatus, changed ? own.changes(changed) : own.noChanges, "ok");
    const head = el("thead");
    const tr = el("tr");
    for (const name of [`v${data.left}`, "", `v${data.right}`, ""]) {
      const th = el("th", null, name);
      th.scope = "col";
      tr.appendChild(th);
    }
    head.appendChild(tr);
    const body = el("tbody");
    for (const r of rows) {
      const row = el("tr", `diff-${r.kind}`);
      row.append(
        el("td", "diff-number", r.left_line == null ? "" : String(r.left_line)),
        el("td", "diff-left", r.left == null ? "" : r.left),
        el("td", "diff-number", r.right_line == null ? "" : String(r.right_line)),
        el("td", "diff-right", r.right == null ? "" : r.right),
      );
      body.appendChild(row);
    }
    els.diff.replaceChildren(head, body);
  }

  // ---------- a new document from unanswered questions ----------

  function slug(text) {
    const map = { а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "c", ч: "ch", ш: "sh", щ: "sch", ы: "y", э: "e", ю: "yu", я: "ya" };
    const latin = [...text.toLowerCase()].map((c) => (map[c] !== undefined ? map[c] : c)).join("");
    return latin.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "gap";
  }

  const yamlText = (s) => JSON.stringify(String(s)); // a double-quoted YAML scalar

  function gapButton(gap) {
    const start = button("secondary small", own.createDocument);
    start.addEventListener("click", () => {
      const questions = (Array.isArray(gap.questions) && gap.questions.length ? gap.questions : [gap.example]).slice(0, 10);
      const id = `faq-${slug(gap.example || "gap")}`;
      els.newName.value = `${id}.faq.yaml`;
      els.newText.value = [
        `id: ${id}`, `title: ${yamlText(gap.example || id)}`, `lang: ${staff.lang}`, "tags: [faq]", "entries:",
        "  - id: answer-1", "    questions:", ...questions.map((q) => `      - ${yamlText(q)}`),
        `    answer: ${yamlText(own.answerPlaceholder)}`, "",
      ].join("\n");
      els.newStatus.textContent = "";
      els.newDialog.showModal();
      els.newText.focus();
    });
    return start;
  }

  els.newForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = els.newName.value.trim();
    if (!name) return;
    const form = new FormData();
    form.append("file", new Blob([els.newText.value], { type: "text/plain" }), name);
    try {
      const data = await api("POST", "/documents", form);
      els.newDialog.close();
      await admin.refreshAll(null);
      admin.openDetail(data.document.doc_id);
      setStatus(els.uploadStatus, own.saved(name), "ok");
    } catch (err) {
      showApiError(err, els.newStatus);
    }
  });
  els.newCancel.addEventListener("click", () => els.newDialog.close());

  document.addEventListener("perimeter:admin-started", loadIndexed);
  window.PerimeterWorkbench = Object.freeze({ uploadMany, gapButton, loadIndexed });
  if (staff.me) loadIndexed();
})();
