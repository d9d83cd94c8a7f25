
(function () {
  "use strict";
  var table = document.getElementById("cases");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
    return numeric ? Number(value) : value;
  }
  function sortBy(th, col) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.hasAttribute("data-numeric");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col, numeric), y = key(b, col, numeric);
      var order = numeric ? x - y : x.localeCompare(y);
      return ascending ? order : -order;
    });
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  heads.forEach(function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, col); });
  });
  var bar = document.getElementById("filters");
  var filters = Array.prototype.slice.call(bar.querySelectorAll("button[data-status]"));
  var owner = document.getElementById("owner");
  var phase = document.getElementById("phase");
  var status = "";
  function apply() {
    var who = owner ? owner.value : "";
    var stage = phase ? phase.value : "";
    Array.prototype.forEach.call(body.rows, function (row) {
      row.hidden = (status !== "" && row.getAttribute("data-status") !== status) ||
        (who !== "" && row.getAttribute("data-owner") !== who) ||
        (stage !== "" && row.getAttribute("data-phase") !== stage);
    });
  }
  filters.forEach(function (button) {
    button.addEventListener("click", function () {
      status = button.getAttribute("data-status");
      filters.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      apply();
    });
  });
  if (owner) { owner.addEventListener("change", apply); }
  if (phase) { phase.addEventListener("change", apply); }
  bar.hidden = false;
})();
