/* Follows the state of the index computation of the shown round: polls the JSON
   endpoint while a run is queued or running and offers a reload once a newer
   result is current. */
(function () {
  "use strict";
  var POLL_MS = 2000;

  function update(box, data) {
    box.className = box.className.replace(/run-status-\S+/, "run-status-" + data.state);
    var label = box.querySelector("[data-field=label]");
    if (label) { label.textContent = data.label; }
    var times = box.querySelector("[data-field=times]");
    if (times && data.started_label) {
      times.textContent = "Letzter Lauf: begonnen " + data.started_label +
        (data.finished_label ? ", beendet " + data.finished_label : "");
    }
    var error = box.querySelector("[data-field=error]");
    if (error) {
      error.textContent = data.error || "";
      error.classList.toggle("d-none", !data.error);
    }
    var shown = box.getAttribute("data-current-run") || "";
    var reload = box.querySelector("[data-field=reload]");
    if (reload && data.current_run_id && String(data.current_run_id) !== shown) {
      reload.classList.remove("d-none");
    }
  }

  function poll(box) {
    fetch(box.getAttribute("data-url"), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      update(box, data);
      if (data.active) { window.setTimeout(function () { poll(box); }, POLL_MS); }
    }).catch(function () {
      window.setTimeout(function () { poll(box); }, POLL_MS * 5);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("run-status");
    if (box && box.getAttribute("data-active") === "1") { poll(box); }
  });
})();
