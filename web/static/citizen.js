// The receipt's print button: shown only when scripts run; printing works
// without it through the browser's own print command.
(function () {
  var b = document.getElementById("print-receipt");
  if (!b) { return; }
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
})();
