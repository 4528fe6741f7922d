// Questionnaire: autosave while typing, no accidental double submit, and a warning before
// leaving unsaved changes. Progressive enhancement: without this script the buttons
// "Entwurf speichern" and "Prüfen und einreichen" work as plain form posts.
(function () {
  "use strict";
  // After a save that left values unstored, and on the confirmation page with open
  // problems: move the focus to "Noch zu klären" (it links to each field).
  var summary = document.querySelector("[data-focus] #form-errors");
  if (summary) { summary.focus(); }
  var form = document.getElementById("questionnaire-form");
  if (!form) { return; }
  var findings = document.getElementById("questionnaire-findings");
  // Arriving from a link of "Noch zu klären" (questionnaire#id_B1): the focus is in the field.
  if (!summary && window.location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && form.contains(target)) { target.focus(); }
  }
  var statusBox = document.getElementById("autosave-status");
  var url = form.getAttribute("data-autosave-url");
  var interval = parseInt(form.getAttribute("data-autosave-interval"), 10);
  if (!(interval > 0)) { interval = 30000; }
  var dirty = false;
  var edits = 0;          // changes since the page loaded; a save covers those before it
  var timer = null;
  var inFlight = false;
  var stopped = false;    // stale page or submitted questionnaire: never autosave again
  var pendingSubmitter = null;
  var submitting = false;

  function show(text, isProblem) {
    if (!statusBox) { return; }
    statusBox.textContent = text;
    statusBox.classList.toggle("text-danger", !!isProblem);
    statusBox.classList.toggle("text-muted", !isProblem);
  }

  function versionInput() { return form.querySelector("input[name=version]"); }

  function finishPendingSubmit() {
    if (pendingSubmitter) {
      var submitter = pendingSubmitter;
      pendingSubmitter = null;
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { submitter.click(); }
    }
  }

  function autosave() {
    timer = null;
    if (!url || stopped || inFlight || submitting || !dirty) { return; }
    inFlight = true;
    var covered = edits;
    var data = new FormData(form);
    data.set("action", "autosave");
    show(form.getAttribute("data-autosave-saving") || "", false);
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
    }).then(function (reply) {
      return reply.json().then(function (body) { return { ok: reply.ok, body: body }; });
    }).then(function (result) {
      var body = result.body || {};
      if (result.ok && body.saved) {
        versionInput().value = String(body.version);
        if (edits === covered) { dirty = false; }
        show(body.message, false);
        if (findings && typeof body.findings_html === "string") {
          findings.innerHTML = body.findings_html;
        }
      } else {
        if (body.stop) { stopped = true; }
        show(body.message || form.getAttribute("data-autosave-failed"), true);
      }
    }).catch(function () {
      // Logged out (the login page is no JSON), offline, server error: say so; the
      // buttons still save.
      show(form.getAttribute("data-autosave-failed"), true);
    }).then(function () {
      inFlight = false;
      if (pendingSubmitter) {
        finishPendingSubmit();
      } else if (dirty && !stopped) {
        schedule();
      }
    });
  }

  function schedule() {
    if (timer === null && !stopped) { timer = window.setTimeout(autosave, interval); }
  }

  function changed() {
    dirty = true;
    edits += 1;
    schedule();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (inFlight) {
      // Wait for the running autosave: it raises the page's version, and a save with the
      // old one would be refused as stale.
      event.preventDefault();
      pendingSubmitter = submitter || form.querySelector("button[name=action]");
      return;
    }
    submitting = true;
    dirty = false;
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    if (submitter && submitter.name === "action") {
      // Keep the pressed button's value: copy it to a hidden field, then disable the buttons.
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "action";
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[name=action]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
