/* The quick report on a phone with a poor connection. Progressive enhancement: without this
   script the form posts as usual.

   The form is kept as a draft in localStorage (one per person) on every change, with its
   client_id. Sending goes through fetch; when there is no connection the draft stays, the page
   says so, and the same form (same client_id) is sent again when the browser is back online
   and every 30 seconds, so the server meets the same report, never a second one. The texts
   come from data- attributes rendered by Django, in the person's language.

   A chosen photo goes with every resend while the page stays open (FormData takes the file
   from the input). localStorage cannot hold the file, so the draft only remembers that one was
   chosen: after a reload the page asks for it again instead of sending the report without it. */
(function () {
  "use strict";

  const RETRY_MS = 30000;

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: the form still sends, without a draft
    }
  }

  function readDraft(key) {
    const store = storage();
    if (!store) return null;
    try {
      const draft = JSON.parse(store.getItem(key) || "null");
      return draft && typeof draft === "object" && draft.fields ? draft : null;
    } catch (e) {
      return null;
    }
  }

  function removeDraft(key) {
    const store = storage();
    if (store) store.removeItem(key);
  }

  // On the "thank you" page: the draft of the report just sent is done with.
  function forgetSent(marker) {
    const key = marker.getAttribute("data-draft-key");
    const draft = readDraft(key);
    if (draft && draft.clientId === marker.getAttribute("data-client-id")) removeDraft(key);
  }

  function quickReport(form) {
    const key = form.getAttribute("data-draft-key");
    const status = form.querySelector("[data-quick-status]");
    const clientId = form.elements.namedItem("client_id");
    let pending = false; // the person pressed Send and the report has not reached the server
    let sending = false;
    let timer = null;
    let photoMissing = false; // a restored draft had a photo, not chosen again yet

    function say() {
      if (!status) return;
      status.textContent = Array.from(arguments).map(function (attribute) {
        return form.getAttribute(attribute) || "";
      }).join(" ");
    }

    // What the person types: every named field but the CSRF token and the photo.
    function fields() {
      return Array.from(form.elements).filter(function (el) {
        return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "client_id" &&
          el.type !== "submit" && el.type !== "button" && el.type !== "file";
      });
    }

    function photoChosen() {
      return Array.from(form.elements).some(function (el) {
        return el.type === "file" && el.files && el.files.length > 0;
      });
    }

    // A checkbox is kept as true/false; any other field as its text.
    function valueOf(el) {
      return el.type === "checkbox" ? el.checked : el.value;
    }

    // Selects and the date come filled in (the one pair, today): they do not count as typed.
    function typed(el, value) {
      if (el.type === "checkbox") return value === true;
      return el.tagName !== "SELECT" && el.type !== "hidden" && el.type !== "date" &&
        String(value).trim() !== "";
    }

    function save() {
      const store = storage();
      if (!store) return;
      const values = {};
      fields().forEach(function (el) { values[el.name] = valueOf(el); });
      try {
        store.setItem(key, JSON.stringify({
          clientId: clientId.value, fields: values, pending: pending, photo: photoMissing || photoChosen()
        }));
      } catch (e) { /* storage full: keep going without a draft */ }
    }

    function restore() {
      const draft = readDraft(key);
      // Only into an empty form: a form the server sent back with errors is newer.
      if (!draft || photoChosen() || fields().some(function (el) { return typed(el, valueOf(el)); })) return;
      const hasContent = draft.photo || Object.keys(draft.fields).some(function (name) {
        const el = form.elements.namedItem(name);
        return el && el.type !== "file" && typed(el, draft.fields[name]);
      });
      if (!hasContent) return;
      fields().forEach(function (el) {
        if (!Object.prototype.hasOwnProperty.call(draft.fields, el.name)) return;
        if (el.type === "checkbox") el.checked = draft.fields[el.name] === true;
        else el.value = draft.fields[el.name];
      });
      // The draft's id, not the new one: the server may already have it from a lost answer.
      if (draft.clientId) clientId.value = draft.clientId;
      if (draft.photo) {
        // Not sent by itself: without the photo it would go incomplete. The person chooses
        // the photo again (or decides to go without it) and presses Send.
        photoMissing = true;
        say("data-restored", "data-photo-again");
        return;
      }
      say("data-restored");
      if (draft.pending) {
        pending = true;
        send();
      }
    }

    function waitForConnection() {
      pending = true;
      save();
      say("data-offline");
      if (timer === null) {
        timer = window.setInterval(function () { if (pending) send(); }, RETRY_MS);
      }
    }

    function stopWaiting() {
      pending = false;
      if (timer !== null) window.clearInterval(timer);
      timer = null;
    }

    // The server answered with something other than our JSON (errors, a new sign-in, a server
    // error): an ordinary post shows it to the person as the page without this script would.
    function submitNormally() {
      stopWaiting();
      save();
      form.submit();
    }

    function send() {
      if (sending) return;
      if (!navigator.onLine) {
        waitForConnection();
        return;
      }
      sending = true;
      say("data-sending");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        const type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          submitNormally();
          return null;
        }
        return response.json().then(function (data) {
          if (data && data.ok && data.url) {
            stopWaiting();
            removeDraft(key);
            window.location.assign(data.url);
          } else {
            submitNormally();
          }
        });
      }, waitForConnection).finally(function () {
        sending = false;
      });
    }

    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      pending = true;
      save();
      send();
    });
    window.addEventListener("online", function () { if (pending) send(); });
    restore();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const sent = document.querySelector("[data-quick-sent]");
    if (sent) forgetSent(sent);
    const form = document.querySelector("form[data-quick-report]");
    if (form && window.fetch && window.FormData && form.elements.namedItem("client_id")) {
      quickReport(form);
    }
  });
})();
