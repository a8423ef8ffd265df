/* The progress of work that runs in the background: an Excel import of reports, a registry
   import (dry run or import), a report export. Progressive enhancement: without this script the
   page has a link that reloads it.

   The page's section marked data-job-progress names the JSON (data-status-url) that says how
   far the work is. Every few seconds the script asks for it and updates the <progress> bar and
   the status sentence (data-job-status, role="status": read out by screen readers when it
   changes; the sentence comes from the server, in the person's language). When the work has
   ended the page reloads once, to show the result, a download link or what went wrong. */
(function () {
  "use strict";

  var MAX_FAILURES = 5; // then stop and leave the reload link to the person

  function start(section) {
    var url = section.getAttribute("data-status-url");
    var seconds = parseInt(section.getAttribute("data-poll-seconds") || "2", 10);
    var bar = section.querySelector("progress");
    var status = section.querySelector("[data-job-status]");
    var failures = 0;
    if (!url || !bar || !status) return;

    function show(data) {
      if (data.percent === null || data.percent === undefined) {
        bar.removeAttribute("value"); // indeterminate: waiting, or no count yet (SQLite)
        bar.textContent = "";
      } else {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
      }
      // Only a changed sentence is written, so screen readers do not repeat it.
      if (data.text && status.textContent !== data.text) status.textContent = data.text;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          show(data);
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, seconds * 1000);
          }
        })
        .catch(function () {
          failures += 1;
          if (failures < MAX_FAILURES) window.setTimeout(poll, seconds * 2000);
        });
    }

    window.setTimeout(poll, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-job-progress]");
    if (section) start(section);
  });
})();
