// Show only the details that match the chosen category's kind. Without JavaScript every
// details section stays visible, and the server uses only the matching one.
(function () {
  "use strict";
  var data = document.getElementById("category-kinds");
  var select = document.querySelector("[data-kind-select]");
  if (!data || !select) { return; }
  var kinds = JSON.parse(data.textContent);
  function update() {
    var kind = kinds[select.value] || "";
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
