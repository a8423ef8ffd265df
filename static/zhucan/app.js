/* Progressive enhancement only: every page works without this script. */
(function () {
  "use strict";

  // GOV.UK pattern: the error summary takes focus so screen readers announce it first.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) return;
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: "center" });
        }
      });
    }
  }

  // Warn before the idle timeout and let the person stay signed in.
  function idleWarning() {
    var body = document.body;
    var timeout = parseInt(body.getAttribute("data-idle-timeout") || "0", 10);
    var warning = parseInt(body.getAttribute("data-idle-warning") || "0", 10);
    var dialog = document.getElementById("idle-warning");
    if (!timeout || !dialog || typeof dialog.showModal !== "function") return;
    var form = dialog.querySelector("[data-idle-extend]");
    var countdown = dialog.querySelector("[data-idle-countdown]");
    var warnTimer, endTimer;
    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(function () {
        if (countdown) countdown.textContent = String(Math.max(1, Math.round(warning / 60)));
        dialog.showModal();
      }, Math.max(0, timeout - warning) * 1000);
      endTimer = setTimeout(function () { window.location.reload(); }, (timeout + 2) * 1000);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (response.ok) { dialog.close(); schedule(); } else { window.location.reload(); }
      }, function () { window.location.reload(); });
    });
    schedule();
  }

  // Confirm destructive actions marked with data-confirm.
  function confirmations() {
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    idleWarning();
    confirmations();
  });
})();
