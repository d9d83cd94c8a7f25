
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
  var search = document.getElementById("search");
  var selects = ["owner", "insurer", "phase"].map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);
  var cards = Array.prototype.slice.call(document.querySelectorAll("#cards button[data-card]"));
  var card = "all";
  function inCard(row, key) {
    return (" " + row.getAttribute("data-cards") + " ").indexOf(" " + key + " ") >= 0;
  }
  // Every filter but the cards: the cards count what it leaves.
  function matches(row) {
    var text = search.value.trim().toLowerCase();
    if (text !== "" && row.getAttribute("data-search").indexOf(text) < 0) { return false; }
    return selects.every(function (select) {
      return select.value === "" || row.getAttribute("data-" + select.id) === select.value;
    });
  }
  function apply() {
    var counts = {};
    Array.prototype.forEach.call(body.rows, function (row) {
      if (!row.hasAttribute("data-cards")) { return; }
      var shown = matches(row);
      cards.forEach(function (button) {
        var key = button.getAttribute("data-card");
        if (shown && inCard(row, key)) { counts[key] = (counts[key] || 0) + 1; }
      });
      row.hidden = !(shown && inCard(row, card));
    });
    cards.forEach(function (button) {
      var key = button.getAttribute("data-card");
      button.querySelector("b").textContent = String(counts[key] || 0);
      button.setAttribute("aria-pressed", String(key === card && card !== "all"));
    });
  }
  cards.forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-card");
      card = card === key ? "all" : key;
      apply();
    });
  });
  search.addEventListener("input", apply);
  selects.forEach(function (select) { select.addEventListener("change", apply); });
  bar.hidden = false;
})();
