// Progressive enhancement of the forms; every form works without it.
// - gives each submission a unique idempotency key, so that sending twice saves once, and a new one
//   when the page is shown again after it was sent (back button, restored tab);
// - stops a second click from sending the form again while the first is on its way;
// - moves focus to the error summary when the page shows one;
// - on the policy, shows the print button and puts the day of printing on the printed copy
//   (without script, the copy carries the date the site was built, labelled as such).
// - shows a field that is required only for some answers of another (data-required-if, see
//   form_body.html) when one of them is chosen, marked aria-required, and hides it otherwise with
//   its controls disabled, so nothing is sent for it; a polite live region says what appeared.
// - chooses the option a link names (`/forms/survey/?service=request`, the survey invitation of
//   forms::invite) when nothing of that choice is chosen yet.
(function () {
  "use strict";
  if (window.URLSearchParams && window.location.search) {
    var asked = new URLSearchParams(window.location.search);
    document.querySelectorAll("form input.choice__input").forEach(function (input) {
      if (asked.get(input.name) !== input.value || !input.form) return;
      var group = input.form.querySelectorAll("input.choice__input");
      for (var i = 0; i < group.length; i++) if (group[i].name === input.name && group[i].checked) return;
      input.checked = true;
    });
  }
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
  document.querySelectorAll("form").forEach(function (form) {
    var groups = Array.prototype.slice.call(form.querySelectorAll("[data-required-if]"));
    if (!groups.length) return;
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-condition-status", "");
    form.appendChild(live);
    function answers(group) {
      try {
        return JSON.parse(group.getAttribute("data-required-if-any")) || [];
      } catch (e) {
        return [];
      }
    }
    function controls(name) {
      return Array.prototype.slice.call(form.querySelectorAll('[name="' + name + '"]'));
    }
    function update(announce) {
      var said = [];
      groups.forEach(function (group) {
        var wanted = answers(group);
        var triggers = controls(group.getAttribute("data-required-if"));
        var show = triggers.some(function (c) {
          var chosen = c.type === "radio" || c.type === "checkbox" ? c.checked : c.value !== "";
          return chosen && wanted.indexOf(c.value) >= 0;
        });
        var state = show ? "shown" : "hidden";
        if (group.getAttribute("data-condition") === state) return;
        var first = !group.hasAttribute("data-condition");
        group.setAttribute("data-condition", state);
        if (!show && group.contains(document.activeElement)) {
          var back = triggers.filter(function (c) { return c.checked; })[0] || triggers[0];
          if (back) back.focus();
        }
        group.hidden = !show;
        group.querySelectorAll("input, textarea, select").forEach(function (c) {
          c.disabled = !show;
          if (c.type === "radio" || c.type === "checkbox") return;
          if (show) c.setAttribute("aria-required", "true");
          else c.removeAttribute("aria-required");
        });
        var label = group.querySelector(".field__label");
        var name = label ? label.textContent.trim() : "";
        if (!first) said.push(show ? "ظهر حقل «" + name + "»، وهو مطلوب لاختيارك" : "أُخفي حقل «" + name + "»، فهو غير مطلوب لاختيارك");
      });
      if (announce && said.length) live.textContent = said.join(". ");
    }
    update(false);
    // A page shown again (the back button) may get its answers back after this script ran.
    window.addEventListener("pageshow", function () { update(false); });
    form.addEventListener("change", function (event) {
      var name = event.target && event.target.name;
      if (groups.some(function (g) { return g.getAttribute("data-required-if") === name; })) update(true);
    });
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) summary.focus();

  // Printing: the button, and the date in the site's calendar and digits (Saudi Arabia's day).
  var printAction = document.querySelector("[data-print-action]");
  if (printAction && typeof window.print === "function") {
    printAction.hidden = false;
    printAction.querySelector("button").addEventListener("click", function () { window.print(); });
  }
  var printDate = document.querySelector("[data-print-date]");
  function dayText(calendar, digits, suffix) {
    var parts = {};
    new Intl.DateTimeFormat("ar-SA-u-ca-" + calendar, {
      day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Riyadh",
      numberingSystem: digits === "arabic-indic" ? "arab" : "latn"
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + " " + parts.month + " " + parts.year + suffix;
  }
  function stampPrintDate() {
    try {
      var calendar = printDate.dataset.calendar, digits = printDate.dataset.digits;
      var hijri = dayText("islamic-umalqura", digits, "هـ"), gregorian = dayText("gregory", digits, "م");
      printDate.textContent = calendar === "hijri" ? hijri : calendar === "gregorian" ? gregorian : hijri + " الموافق " + gregorian;
      var note = document.querySelector("[data-print-date-note]");
      if (note) note.remove();
    } catch (e) {
      // An old browser without these calendars keeps the build's date, which says what it is.
    }
  }
  if (printDate) {
    window.addEventListener("beforeprint", stampPrintDate);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      if (print.addEventListener) print.addEventListener("change", function (e) { if (e.matches) stampPrintDate(); });
    }
  }
})();
