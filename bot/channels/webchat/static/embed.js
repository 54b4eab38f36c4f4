// Perimeter's loader for the bank's site: one line on any page of an allowed origin,
//   <script src="https://chat.bank.ru/embed.js" data-lang="ru" async></script>
// adds a launcher button; it opens the chat (this server's page) in an iframe. Nothing here
// reads or sends the bank page's data: the chat runs in the frame, on the chat's origin.
// The page may log its customer in with the bank's signed one-time token:
//   window.PerimeterChat.login(token)   (before or after the chat is opened)
// Styles are set through the DOM (no inline <style>), so a strict CSP on the bank's page holds;
// the page's CSP must allow this script and frame-src of the chat's origin.
"use strict";

(() => {
  // Both set by the server from the settings (brand.colour, chat.embed_origins).
  const BRAND_COLOUR = "#1f4e8c";
  const ALLOWED_ORIGINS = [];
  if (window.PerimeterChat) return; // loaded twice
  if (!ALLOWED_ORIGINS.includes(location.origin)) {
    console.warn(`Perimeter chat: ${location.origin} is not in chat.embed_origins; no chat here.`);
    return;
  }
  const script = document.currentScript;
  if (!script || !script.src) return;
  const origin = new URL(script.src).origin;
  const asked = (script.dataset.lang || document.documentElement.lang || navigator.language || "").toLowerCase();
  const lang = asked.startsWith("en") ? "en" : "ru";
  const TEXT = {
    ru: { open: "Открыть чат поддержки", frame: "Чат поддержки" },
    en: { open: "Open the support chat", frame: "Support chat" },
  }[lang];

  let frame = null;
  let ready = false;
  let token = null; // passed on once the frame has loaded, then forgotten

  const button = document.createElement("button");
  button.type = "button";
  button.id = "perimeter-chat-launcher";
  button.setAttribute("aria-label", TEXT.open);
  button.setAttribute("aria-expanded", "false");
  button.title = TEXT.open;
  button.textContent = "💬";
  Object.assign(button.style, {
    position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000",
    width: "56px", height: "56px", borderRadius: "50%", border: "0",
    background: BRAND_COLOUR, color: "#fff", fontSize: "26px", cursor: "pointer",
    boxShadow: "0 4px 14px rgba(0,0,0,.25)",
  });

  function place() {
    if (!frame) return;
    const phone = window.innerWidth <= 480;
    Object.assign(frame.style, phone
      ? { right: "0", bottom: "0", width: "100%", height: "100%", borderRadius: "0", border: "0" }
      : { right: "20px", bottom: "88px", width: "380px", height: "min(620px, calc(100vh - 108px))",
        borderRadius: "12px", border: "1px solid #d6dbe3" });
  }

  function passToken() {
    if (!frame || !ready || !token) return;
    frame.contentWindow.postMessage({ type: "perimeter:login", token }, origin);
    token = null;
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "perimeter-chat-frame";
      frame.title = TEXT.frame;
      frame.src = `${origin}/?embed=1&lang=${lang}`;
      Object.assign(frame.style, {
        position: "fixed", zIndex: "2147483001", boxSizing: "border-box",
        background: "#fff", boxShadow: "0 8px 30px rgba(0,0,0,.25)",
      });
      frame.addEventListener("load", () => { ready = true; passToken(); });
      place();
      document.body.appendChild(frame);
    }
    frame.hidden = false;
    button.hidden = window.innerWidth <= 480; // the frame covers a phone's screen
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function close() {
    if (frame) frame.hidden = true;
    button.hidden = false;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === "perimeter:close") close();
  });
  window.addEventListener("resize", place);
  button.addEventListener("click", () => (frame && !frame.hidden ? close() : open()));

  window.PerimeterChat = {
    open,
    close,
    login(signed) { token = String(signed); passToken(); },
    logout() { if (frame && ready) frame.contentWindow.postMessage({ type: "perimeter:logout" }, origin); },
  };

  const mount = () => document.body.appendChild(button);
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
