/* textloop web app: the CSRF header on htmx requests, error messages, the sign-in link's
   token, and the labeling keys. Record text never passes through this script: it only
   reads data- attributes and clicks the page's own buttons. */
(function () {
  "use strict";
  var body = document.body;
  var status = document.getElementById("status");

  function say(message) {
    status.textContent = message;  // textContent: messages are shown as text, never markup
    status.hidden = !message;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = body.dataset.csrf || "";
  });
  document.addEventListener("htmx:beforeRequest", function () { say(""); });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "The request failed (HTTP " + xhr.status + ").";
    try {
      var error = JSON.parse(xhr.responseText).error;
      text = error.message + (error.hint ? " — " + error.hint : "");
    } catch (ignored) { /* not the JSON error shape: keep the generic message */ }
    say(text);
  });
  document.addEventListener("htmx:sendError", function () {
    say("The labeling app cannot be reached. Every answer given so far is stored.");
  });

  /* Sign-in link: /login?name=NAME#token=TOKEN. The fragment never reaches the server;
     move it into the form, clear it from the address bar, and sign in. */
  var login = document.getElementById("login-form");
  if (login && location.hash.indexOf("#token=") === 0) {
    login.elements.token.value = decodeURIComponent(location.hash.slice("#token=".length));
    history.replaceState(null, "", location.pathname + location.search);
    if (login.elements.name.value) { login.submit(); }
  }

  var panel = document.getElementById("panel");
  if (!panel) { return; }
  var busy = false;  // one answer at a time: keys pressed before the next record are dropped

  function forPanel(event) { return event.detail.target === panel; }
  document.addEventListener("htmx:beforeRequest", function (e) { if (forPanel(e)) { busy = true; } });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (forPanel(e)) { busy = false; }
    if (e.detail.target.id === "comment-status") { closeComment(); }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (forPanel(e) && !e.detail.successful) { busy = false; }
  });

  function commentForm() { return document.getElementById("comment-form"); }
  function openComment() {
    var form = commentForm();
    if (!form) { return; }
    form.hidden = false;
    form.elements.text.focus();
  }
  function closeComment() {
    var form = commentForm();
    if (!form) { return; }
    form.elements.text.value = "";
    form.hidden = true;
  }
  panel.addEventListener("click", function (event) {
    if (event.target.closest("[data-opens]")) { openComment(); }
  });

  function control(key) {
    var found = null;
    panel.querySelectorAll("[data-key]").forEach(function (el) {
      if (el.dataset.key === key || el.dataset.altKey === key) { found = el; }
    });
    return found;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    if (event.defaultPrevented) { return; }  // handled by the span editor (spans.js)
    var target = event.target;
    if (target.closest && target.closest("#comment-form")) {
      if (event.key === "Escape") { event.preventDefault(); closeComment(); }
      return;  // typing a comment; Enter submits that form
    }
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox") { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var element = control(key);
    if (!element) { return; }
    event.preventDefault();
    if (element.dataset.opens) { openComment(); return; }
    if (busy && element.type !== "checkbox") { return; }
    element.click();
  });
}());
