/* Sortable tables (progressive enhancement): a table with class "js-sortable" gets
   buttons in its header cells; without JavaScript the table stays as it came from
   the server (the Kita table then sorts through its header links). */
(function () {
  "use strict";

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (!cell) { return null; }
    if (kind === "number") {
      var raw = cell.getAttribute("data-value");
      if (raw === null || raw === "" || raw === "None") { return null; }
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return cell.textContent.trim().toLocaleLowerCase("de");
  }

  function sortBy(table, index, kind, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }   // missing values always last
      if (y === null) { return -1; }
      var result = kind === "number" ? x - y : x.localeCompare(y, "de");
      return ascending ? result : -result;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link p-0 text-reset fw-bold text-decoration-none sort-button";
      button.innerHTML = th.innerHTML;
      var link = button.querySelector("a");
      if (link) { button.textContent = link.textContent; }
      button.setAttribute("title", "Sortieren");
      button.addEventListener("click", function () { sortBy(table, index, kind, th); });
      th.innerHTML = "";
      th.appendChild(button);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.js-sortable"), enhance);
  });
})();
