// The case list's bulk actions (templates/cases/_bulk_form.html): "select all on this
// page" checks every row, a row unchecked unchecks it, and the number chosen is said in
// a status region. Without this script the page works the same: the server reads the
// "select all" box's own value (the page's cases).
(function () {
  "use strict";
  var all = document.querySelector("[data-bulk-page]");
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-bulk-case]"));
  var status = document.querySelector("[data-bulk-count]");
  if (!all || !status) {
    return;
  }
  var template = status.getAttribute("data-template") || "%s";

  function update() {
    var checked = rows.filter(function (box) { return box.checked; }).length;
    all.checked = checked === rows.length && rows.length > 0;
    all.indeterminate = checked > 0 && checked < rows.length;
    status.textContent = template.replace("%s", String(checked));
  }

  all.addEventListener("change", function () {
    rows.forEach(function (box) { box.checked = all.checked; });
    update();
  });
  rows.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
