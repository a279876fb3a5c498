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
