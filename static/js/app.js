// perfapp's own behaviour. No inline handlers: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Confirm destructive actions: <form data-confirm="Delete…?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // Toasts: dismiss on click, fade away on their own after a while.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (button) { button.parentElement.remove(); }
  });
  function scheduleToasts(root) {
    root.querySelectorAll(".toast:not([data-scheduled])").forEach(function (toast) {
      toast.dataset.scheduled = "1";
      setTimeout(function () { toast.classList.add("is-leaving"); }, 6000);
      setTimeout(function () { toast.remove(); }, 6600);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { scheduleToasts(document); });

  // Menus built on <details>: Escape closes, clicking elsewhere closes.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });

  // After an htmx swap, move focus to what changed so keyboard and screen reader users
  // follow along (only for swaps the person asked for, not background polling).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.closest(".topbar")) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    if (document.activeElement && document.activeElement.matches("input, select, textarea")) { return; }
    target.focus({ preventScroll: true });
  });
})();

// --- check-ins ----------------------------------------------------------------------------
// After an htmx swap, an element the server marked with data-focus (the moved point's
// button, the edit field, the add field again) takes the focus; it wins over the generic
// "focus the swapped region" above because settling happens after swapping. A
// data-focus="fallback" element (a status line) is used only when nothing else is marked.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.closest && event.target.closest(".topbar")) { return; }
    var marked = document.querySelector("[data-focus]:not([data-focus=fallback])") ||
      document.querySelector("#main [aria-invalid=true]") ||
      document.querySelector("[data-focus=fallback]");
    if (!marked) { return; }
    document.querySelectorAll("[data-focus]").forEach(function (el) { el.removeAttribute("data-focus"); });
    marked.focus({ preventScroll: false });
    if (marked.matches("input[type=text]")) {
      var end = marked.value.length;
      marked.setSelectionRange(end, end);
    }
  });
  // Escape in an inline edit field cancels the edit (clicks its Cancel link).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) { return; }
    var form = event.target.closest("form.point-edit");
    if (!form) { return; }
    var cancel = form.querySelector("a.button-quiet");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });
})();

// --- check-ins: the weekday of a new series, said as the start date changes -------------
(function () {
  "use strict";
  var days = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];
  function sayWeekday(input) {
    var out = document.getElementById(input.dataset.weekdayOut);
    if (!out) { return; }
    var parts = (input.value || "").split("-");
    if (parts.length !== 3) { out.textContent = ""; return; }
    var day = new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
    out.textContent = isNaN(day.getTime()) ? "" : "Meetings will be on " + days[day.getDay()] + ".";
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-weekday-out]")) { sayWeekday(event.target); }
  });
})();

// --- recognition ------------------------------------------------------------------------
// A fragment that carries an error (400, 409) replaces its target too, where the page opts
// in with data-swap-errors on the element that asked or an ancestor: the message shows
// where the person acted (a duplicate reaction, an empty comment).
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var source = event.detail.elt || event.target;
    if ((status === 400 || status === 409) && source && source.closest && source.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A search box that narrows a long list of choices: <input data-filter-list="id">.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-filter-list]")) { return; }
    var list = document.getElementById(input.dataset.filterList);
    if (!list) { return; }
    var wanted = input.value.trim().toLowerCase();
    list.querySelectorAll("label").forEach(function (label) {
      var row = label.parentElement && label.parentElement !== list ? label.parentElement : label;
      var keep = !wanted || label.textContent.toLowerCase().indexOf(wanted) !== -1 ||
        (label.querySelector("input:checked") !== null);
      row.hidden = !keep;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("input[data-filter-list]")) {
      event.preventDefault();  // narrowing the list never sends the form
    }
  });
})();

// --- growth plans: a status select saves as soon as it changes -----------------------------
// <select data-autosubmit> inside a plain form submits it; htmx forms (hx-trigger="change")
// already do, so they are left alone.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-autosubmit]")) { return; }
    var form = select.form;
    if (!form || form.hasAttribute("hx-post")) { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
})();

// --- time zones -------------------------------------------------------------------------
// A time zone choice the server marked data-browser-time-zone (a new organization, when the
// person has not chosen a zone) starts at this browser's zone, which only the browser knows.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
    if (!zone) { return; }
    document.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
      var known = Array.prototype.some.call(select.options, function (option) {
        return option.value === zone;
      });
      if (known) { select.value = zone; }
    });
  });
})();

// --- forms: what is left of a text's length limit -----------------------------------------
// Under a textarea with a limit, "Up to 4,000 characters." becomes "312 characters left"
// once four fifths are used (the browser's maxlength stops typing at the limit).
(function () {
  "use strict";
  function update(note) {
    var field = document.getElementById(note.dataset.charLimit);
    if (!field || !field.maxLength || field.maxLength < 0) { return; }
    if (!note.dataset.initial) { note.dataset.initial = note.textContent; }
    var left = field.maxLength - field.value.length;
    if (left > field.maxLength / 5) {
      note.textContent = note.dataset.initial;
      note.classList.remove("is-near");
    } else {
      note.textContent = left.toLocaleString("en") + (left === 1 ? " character left" : " characters left");
      note.classList.add("is-near");
    }
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.id || !field.matches || !field.matches("textarea[maxlength]")) { return; }
    var note = document.querySelector('[data-char-limit="' + field.id + '"]');
    if (note) { update(note); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-char-limit]").forEach(update);
  });
})();
