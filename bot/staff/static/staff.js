// Perimeter staff pages (operator console, knowledge-base admin): what both share.
// Vanilla JS, no build step, no external resources. Loaded before the page's own script, it
// defines one global, PerimeterStaff; the page calls PerimeterStaff.create(config) once.
// All server-provided text is inserted with textContent only, never as HTML.
"use strict";

(() => {
  // Strings both pages use; a page's own table is merged over this one.
  const COMMON = {
    ru: {
      checkingSession: "Проверяем сеанс…",
      loginName: "Логин",
      loginPassword: "Пароль",
      loginSubmit: "Войти",
      loginMissing: "Введите логин и пароль.",
      logout: "Выйти",
      logoutFailed: "Не удалось выйти: сервер недоступен.",
      loading: "Загрузка…",
      roles: { operator: "оператор", supervisor: "супервизор", editor: "редактор", admin: "администратор" },
    },
    en: {
      checkingSession: "Checking session…",
      loginName: "Login",
      loginPassword: "Password",
      loginSubmit: "Sign in",
      loginMissing: "Enter your login and password.",
      logout: "Sign out",
      logoutFailed: "Could not sign out: the server is unreachable.",
      loading: "Loading…",
      roles: { operator: "operator", supervisor: "supervisor", editor: "editor", admin: "administrator" },
    },
  };
  const lang = (navigator.language || "").toLowerCase().startsWith("en") ? "en" : "ru";
  // The narrow layout of staff.css (a phone): the panes are stacked, so opening an item in the
  // list moves focus, and the view, to the detail pane below it.
  const stacked = window.matchMedia("(max-width: 760px)");

  // ---------- small helpers ----------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function button(className, text, ariaLabel) {
    const node = el("button", className, text);
    node.type = "button";
    if (ariaLabel) node.setAttribute("aria-label", ariaLabel);
    return node;
  }

  const hasKey = (table, key) => key != null && Object.prototype.hasOwnProperty.call(table, key);
  const label = (table, key) => (hasKey(table, key) ? table[key] : key || "");

  function parseDate(iso) {
    if (!iso) return null;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function formatTime(iso) {
    const d = parseDate(iso);
    if (!d) return iso ? String(iso) : "";
    const sameDay = d.toDateString() === new Date().toDateString();
    const time = d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    return sameDay ? time : `${d.toLocaleDateString(lang)} ${time}`;
  }

  function timeNode(iso) {
    const node = el("time", "time", formatTime(iso));
    const d = parseDate(iso);
    if (d) {
      node.dateTime = d.toISOString();
      node.title = d.toLocaleString(lang);
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;   // 0 = network failure
      this.code = code;
    }
  }

  // ---------- the page ----------

  // config: {
  //   api: "/operator/api",          prefix of the page's JSON API
  //   client: "perimeter-console",   its X-Requested-With value (the server's CSRF check)
  //   root: "console",               id of the element shown while signed in (it holds the .topbar
  //                                  and the detail pane: #detail-error, #detail-empty, #detail-body)
  //   strings: {ru: {...}, en: {...}},
  //   errorMessage(status, code, data, path),  optional: the text of a failed call's ApiError
  //   onLogin(me),                   signed in (at boot, or through the login form)
  //   onSessionEnded(),              optional: a 401 ended the session; the workspace is kept
  //   onLogout(),                    forget the workspace: after logout, or before another user's session
  // }
  // A module's own strings onto the elements that name them (data-i18n, -placeholder, -aria-label).
  function translate(table) {
    const own = table[lang] || {};
    const pick = (key) => (typeof own[key] === "string" ? own[key] : null);
    document.querySelectorAll("[data-i18n]").forEach((n) => {
      const value = pick(n.dataset.i18n);
      if (value !== null) n.textContent = value;
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => {
      const value = pick(n.dataset.i18nPlaceholder);
      if (value !== null) n.placeholder = value;
    });
    document.querySelectorAll("[data-i18n-aria-label]").forEach((n) => {
      const value = pick(n.dataset.i18nAriaLabel);
      if (value !== null) n.setAttribute("aria-label", value);
    });
    return own;
  }

  function create(config) {
    const t = { ...COMMON[lang], ...config.strings[lang] };
    const root = document.getElementById(config.root);
    const notice = document.getElementById("detail-error");
    const detailEmpty = document.getElementById("detail-empty");
    const detailBody = document.getElementById("detail-body");
    const session = { me: null, lastUser: null };
    const els = buildChrome();

    // The login form (before the page) and the signed-in user with the sign-out button (in the topbar).
    function buildChrome() {
      // The page's main landmark while it is shown (the signed-in page, with its own <main>, is hidden).
      const login = el("main", "login");
      login.id = "login";
      login.hidden = true;
      login.setAttribute("aria-labelledby", "login-title");
      const form = el("form", "login-form");
      form.id = "login-form";
      form.noValidate = true;
      const title = el("h1", null, t.loginTitle);
      title.id = "login-title";
      form.append(title);
      // A label and its input, e.g. <input id="login-name" name="name" type="text" autocomplete="username" required>.
      const field = (id, attributes, text) => {
        const caption = el("label", null, text);
        caption.htmlFor = id;
        const input = el("input");
        input.id = id;
        Object.entries(attributes).forEach(([key, value]) => input.setAttribute(key, value));
        input.required = true;
        form.append(caption, input);
        return input;
      };
      const loginName = field("login-name", {
        name: "name", type: "text", autocomplete: "username", autocapitalize: "off", spellcheck: "false",
      }, t.loginName);
      const loginPassword = field("login-password", {
        name: "password", type: "password", autocomplete: "current-password",
      }, t.loginPassword);
      const error = el("p", "login-error");
      error.id = "login-error";
      error.setAttribute("role", "alert");
      const submit = el("button", null, t.loginSubmit);
      submit.id = "login-submit";
      submit.type = "submit";
      form.append(error, submit);
      login.append(form);
      root.before(login);

      const user = el("div", "topbar-user");
      const me = el("span", "me");
      me.id = "me";
      const logout = button("secondary", t.logout);
      logout.id = "logout";
      user.append(me, logout);
      root.querySelector(".topbar").append(user);
      return {
        boot: document.getElementById("boot"), login, loginForm: form, loginName, loginPassword,
        loginError: error, loginSubmit: submit, me, logout,
      };
    }

    function applyStaticStrings() {
      document.documentElement.lang = lang;
      document.title = t.title;
      document.querySelectorAll("[data-i18n]").forEach((n) => {
        const value = t[n.dataset.i18n];
        if (typeof value === "string") n.textContent = value;
      });
      // A key this page's table lacks is left as the markup has it (a module may fill it in).
      document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => {
        const value = t[n.dataset.i18nPlaceholder];
        if (typeof value === "string") n.placeholder = value;
      });
      document.querySelectorAll("[data-i18n-aria-label]").forEach((n) => {
        const value = t[n.dataset.i18nAriaLabel];
        if (typeof value === "string") n.setAttribute("aria-label", value);
      });
    }

    // ---------- API ----------

    function errorMessage(status, code, data) {
      if (data && typeof data.message === "string" && data.message) return data.message;
      if (t.codes && hasKey(t.codes, code)) return t.codes[code];
      return t.httpStatus[status] || t.httpError(status);
    }

    // body: undefined (none), FormData (multipart, the browser sets the boundary) or a JSON value.
    async function api(method, path, body) {
      const headers = { "X-Requested-With": config.client, Accept: "application/json" };
      const options = { method, credentials: "same-origin", headers };
      if (body instanceof FormData) {
        options.body = body;
      } else if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
      let response;
      try {
        response = await fetch(config.api + path, options);
      } catch {
        throw new ApiError(0, "network", t.networkError);
      }
      let data = null;
      if (response.status !== 204) {
        try { data = await response.json(); } catch { data = null; }
      }
      if (response.ok) return data;
      const code = data && typeof data.code === "string" ? data.code : `http_${response.status}`;
      // 401 anywhere but the login form itself means the session is gone.
      if (response.status === 401 && path !== "/login") sessionEnded();
      const describe = config.errorMessage || errorMessage;
      throw new ApiError(response.status, code, describe(response.status, code, data, path));
    }

    // ---------- notices ----------

    function setStatus(node, text, kind = "error") {
      node.textContent = text || "";
      node.dataset.kind = kind;
    }

    // The page's notice line, #detail-error.
    function setNotice(text, kind = "error") {
      setStatus(notice, text, kind);
    }

    // A 401 already brought up the login form: nothing more to say here.
    function showApiError(err, node) {
      if (err.status === 401) return;
      if (node) setStatus(node, err.message, "error");
      else setNotice(err.message, "error");
    }

    // ---------- detail pane: a placeholder (a prompt, "loading…") or the open item ----------

    // An empty text hides the placeholder too: only the notice line is left.
    function showDetailPlaceholder(text) {
      detailBody.hidden = true;
      detailEmpty.hidden = !text;
      if (text) detailEmpty.textContent = text;
    }

    function showDetailBody() {
      detailEmpty.hidden = true;
      detailBody.hidden = false;
    }

    // ---------- login / session ----------

    function showLogin(message) {
      els.boot.hidden = true;
      root.hidden = true;
      els.login.hidden = false;
      els.loginError.textContent = message || "";
      els.loginSubmit.disabled = false;
      els.loginPassword.value = "";
      if (session.lastUser && !els.loginName.value) els.loginName.value = session.lastUser;
      (els.loginName.value ? els.loginPassword : els.loginName).focus();
    }

    async function submitLogin(event) {
      event.preventDefault();
      const name = els.loginName.value.trim();
      const password = els.loginPassword.value;
      if (!name || !password) {
        els.loginError.textContent = t.loginMissing;
        (name ? els.loginPassword : els.loginName).focus();
        return;
      }
      els.loginSubmit.disabled = true;
      els.loginError.textContent = "";
      try {
        signIn(await api("POST", "/login", { name, password }));
      } catch (err) {
        els.loginError.textContent = err.message;
        els.loginPassword.value = "";
        els.loginPassword.focus();
      } finally {
        els.loginSubmit.disabled = false;
      }
    }

    function signIn(me) {
      if (!me || typeof me !== "object") me = {};
      // A different user gets a clean workspace.
      if (session.lastUser && session.lastUser !== me.name) config.onLogout();
      session.me = me;
      session.lastUser = me.name || null;
      els.boot.hidden = true;
      els.login.hidden = true;
      root.hidden = false;
      els.loginPassword.value = "";
      els.loginError.textContent = "";
      const role = me.role ? ` · ${label(t.roles, me.role)}` : "";
      els.me.textContent = `${me.display_name || me.name || ""}${role}`;
      config.onLogin(me);
    }

    // Any 401: keep everything in memory and ask for the password again.
    function sessionEnded() {
      if (session.me === null) return;
      session.me = null;
      if (config.onSessionEnded) config.onSessionEnded();
      showLogin(t.sessionEnded);
    }

    async function logout() {
      els.logout.disabled = true;
      try {
        await api("POST", "/logout");
      } catch (err) {
        // 401: the session is gone anyway. Anything else: the session may still be alive, so stay.
        if (err.status !== 401) {
          setNotice(err.status === 0 ? t.logoutFailed : err.message, "error");
          return;
        }
      } finally {
        els.logout.disabled = false;
      }
      session.me = null;
      session.lastUser = null;
      config.onLogout();
      els.loginName.value = "";
      showLogin("");
    }

    // After the page has wired its own controls: the login form, then the session check.
    async function start() {
      els.loginForm.addEventListener("submit", submitLogin);
      els.logout.addEventListener("click", logout);
      try {
        signIn(await api("GET", "/me"));
      } catch (err) {
        showLogin(err.status === 401 ? "" : err.message);
      }
    }

    applyStaticStrings();
    return {
      translate,
      lang, t, el, button, isStacked: () => stacked.matches, hasKey, label, parseDate, formatTime, timeNode,
      api, setNotice, setStatus, showApiError, showDetailPlaceholder, showDetailBody, sessionEnded, start,
      get me() { return session.me; },   // {name, display_name, role} while signed in, else null
    };
  }

  window.PerimeterStaff = Object.freeze({ create });
})();
