// Progressive enhancement of the forms; every form works without it.
// - gives each submission a unique idempotency key, so that sending twice saves once, and a new one
//   when the page is shown again after it was sent (back button, restored tab);
// - stops a second click from sending the form again while the first is on its way;
// - moves focus to the error summary when the page shows one.
(function () {
  "use strict";
  function key() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }
  // Keys already sent from this tab: a page shown again (the back button, a restored tab) gets a
  // new key, so that on a shared device the next person's identical answers are a new submission.
  var sent = {};
  function wasSent(value) {
    if (sent[value]) return true;
    try { return (window.sessionStorage.getItem("sent-keys") || "").split(" ").indexOf(value) >= 0; } catch (e) { return false; }
  }
  function remember(value) {
    sent[value] = true;
    try {
      var keys = (window.sessionStorage.getItem("sent-keys") || "").split(" ").filter(Boolean).slice(-20);
      keys.push(value);
      window.sessionStorage.setItem("sent-keys", keys.join(" "));
    } catch (e) { /* private mode: the in-page record still serves a restored page */ }
  }
  function freshKeys() {
    document.querySelectorAll("input[data-idempotency-key]").forEach(function (input) {
      if (!input.value || wasSent(input.value)) input.value = key();
    });
  }
  freshKeys();
  window.addEventListener("pageshow", function (event) {
    document.querySelectorAll("form").forEach(function (form) { form.dataset.sending = "false"; });
    if (event.persisted) freshKeys();
  });
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "true";
      form.querySelectorAll("input[data-idempotency-key]").forEach(function (input) { remember(input.value); });
      window.setTimeout(function () { form.dataset.sending = "false"; }, 8000);
    });
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) summary.focus();
})();
