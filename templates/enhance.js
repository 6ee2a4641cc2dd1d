// Progressive enhancement of the forms; every form works without it.
// - gives each submission a unique idempotency key, so that sending twice saves once;
// - stops a second click from sending the form again while the first is on its way;
// - moves focus to the error summary when the page shows one.
(function () {
  "use strict";
  function key() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }
  document.querySelectorAll("input[data-idempotency-key]").forEach(function (input) {
    if (!input.value) input.value = key();
  });
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "true";
      window.setTimeout(function () { form.dataset.sending = "false"; }, 8000);
    });
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) summary.focus();
})();
