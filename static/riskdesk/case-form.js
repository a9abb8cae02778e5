// Show only the details that match the chosen category's kind. Without JavaScript every
// details section stays visible, and the server uses only the matching one.
(function () {
  "use strict";
  var data = document.getElementById("category-kinds");
  var select = document.querySelector("[data-kind-select]");
  if (!data || !select) { return; }
  var kinds = JSON.parse(data.textContent);
  var labelData = document.getElementById("figure-labels");
  var labels = labelData ? JSON.parse(labelData.textContent) : {};
  function relabel(kind) {
    var names = labels[kind] || labels.general || {};
    Object.keys(names).forEach(function (field) {
      var label = document.querySelector("label[for='id_" + field + "']");
      if (label && label.firstChild) { label.firstChild.nodeValue = names[field]; }
    });
  }
  function update() {
    var kind = kinds[select.value] || "";
    relabel(kind);
    document.querySelectorAll(".kind-details").forEach(function (section) {
      var match = section.getAttribute("data-kind") === kind;
      section.hidden = !match;
      section.querySelectorAll("input, select, textarea").forEach(function (el) {
        el.disabled = !match;
      });
    });
  }
  select.addEventListener("change", update);
  update();
}());
