// "Print" buttons: open the browser's print dialog (the page has a print stylesheet).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
