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
  // The server is the clock (accounts:session_status, which does not count as activity), so
  // work in another tab keeps this one from warning or signing out. Times are deadlines, not
  // tick counts, because browsers slow down timers in background tabs.
  function idleWarning() {
    var body = document.body;
    var timeout = parseInt(body.getAttribute("data-idle-timeout") || "0", 10);
    var warning = parseInt(body.getAttribute("data-idle-warning") || "0", 10);
    var dialog = document.getElementById("idle-warning");
    if (!timeout || !dialog || typeof dialog.showModal !== "function") return;
    var form = dialog.querySelector("[data-idle-extend]");
    var countdown = dialog.querySelector("[data-idle-countdown]");
    var statusUrl = dialog.getAttribute("data-status-url");
    var announcer = document.querySelector("[data-idle-status]");
    var TICK = 15; // seconds between countdown updates: often enough, without chatter
    var deadline = Date.now() + timeout * 1000;
    var timer = null;
    var extending = false;
    var leaving = false;
    var OURS = "zhucan-idle"; // returnValue of the closes this script makes itself

    function secondsLeft() { return Math.max(0, Math.round((deadline - Date.now()) / 1000)); }

    function unit(value, name) {
      try {
        return new Intl.NumberFormat(document.documentElement.lang || undefined,
          { style: "unit", unit: name, unitDisplay: "long" }).format(value);
      } catch (e) {
        return null;
      }
    }

    function describe(seconds) {
      // Whole quarter-minutes, as the text only changes every TICK seconds anyway.
      seconds = Math.max(TICK, Math.ceil(seconds / TICK) * TICK);
      var minutes = Math.floor(seconds / 60);
      var rest = seconds % 60;
      var parts = [];
      if (minutes) parts.push(unit(minutes, "minute"));
      if (rest) parts.push(unit(rest, "second"));
      if (parts.indexOf(null) !== -1) return minutes + ":" + (rest < 10 ? "0" : "") + rest;
      var lang = (document.documentElement.lang || "").toLowerCase();
      return parts.join(lang.indexOf("zh") === 0 ? "" : " ");
    }

    function showTimeLeft() {
      if (!countdown) return;
      if (countdown.hasAttribute("data-idle-format")) {
        countdown.textContent = describe(secondsLeft());
      } else {
        // Older markup: "signed out in <span>2</span> minutes".
        countdown.textContent = String(Math.max(1, Math.ceil(secondsLeft() / 60)));
      }
    }

    function goToSignIn(url) {
      leaving = true;
      var here = window.location.pathname + window.location.search;
      if (url) {
        window.location.assign(url + (url.indexOf("?") === -1 ? "?" : "&") +
          "next=" + encodeURIComponent(here));
      } else {
        // A plain GET of this page: the server signs out and names the reason.
        window.location.assign(here);
      }
    }

    function refresh() {
      if (!statusUrl || !window.fetch) return Promise.resolve();
      return fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") === -1) {
            // Redirected to the sign-in page: the session has already ended.
            goToSignIn(null);
            return;
          }
          return response.json().then(function (data) {
            if (data.remaining <= 0) {
              goToSignIn(data.login_url || null);
              return;
            }
            deadline = Date.now() + data.remaining * 1000;
          });
        }, function () { /* Offline: keep counting with our own clock. */ });
    }

    function close() {
      if (dialog.open) dialog.close(OURS);
    }

    function plan() {
      clearTimeout(timer);
      if (leaving) return;
      var left = secondsLeft();
      if (left <= 0) {
        refresh().then(function () { if (secondsLeft() <= 0) goToSignIn(null); else plan(); });
        return;
      }
      if (left > warning) {
        close();
        timer = setTimeout(function () { refresh().then(plan); }, (left - warning) * 1000);
        return;
      }
      showTimeLeft();
      if (!dialog.open) {
        dialog.returnValue = "";
        dialog.showModal();
      }
      timer = setTimeout(function () { refresh().then(plan); }, Math.min(TICK, left) * 1000);
    }

    function extend() {
      if (extending) return;
      extending = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") === -1) { goToSignIn(null); return; }
        return response.json().then(function (data) {
          deadline = Date.now() + (data.remaining || timeout) * 1000;
          close();
          if (announcer) announcer.textContent = announcer.getAttribute("data-idle-extended") || "";
          plan();
        });
      }, function () { goToSignIn(null); }).then(function () { extending = false; });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      extend();
    });
    // Escape means "stay signed in". Browsers may close the dialog even when the cancel event
    // is stopped, so a close we did not ask for is treated the same way. (The close event
    // comes later as a task, hence the returnValue marker rather than a flag.)
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      extend();
    });
    dialog.addEventListener("close", function () {
      if (dialog.returnValue !== OURS) extend();
    });
    plan();
  }

  // Confirm destructive actions marked with data-confirm.
  function confirmations() {
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
  }

  // Live preview of a notice while it is written: the server parses, the page shows the result.
  function noticePreview() {
    var form = document.querySelector("[data-notice-editor]");
    if (!form || !window.fetch) return;
    var text = form.querySelector("textarea[name='text']");
    var target = document.querySelector("[data-preview-target]");
    var status = form.querySelector("[data-preview-status]");
    if (!text || !target) return;
    var timer;
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var data = new FormData();
        data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
        data.append("text", text.value);
        fetch(form.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) {
            if (html === null) return;
            target.innerHTML = html;
            if (status) status.textContent = status.getAttribute("data-updated") || "";
          });
      }, 600);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    noticePreview();
    focusErrorSummary();
    idleWarning();
    confirmations();
  });
})();
