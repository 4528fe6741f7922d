// Questionnaire: no accidental double submit, and a warning before leaving unsaved changes.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire-form");
  if (!form) { return; }
  // After a failed submit: move the focus to the error summary (it links to each field).
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function (event) {
    dirty = false;
    var submitter = event.submitter;
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
