// The import job's page: move the progress bar without reloading, and show
// the result once the job ends. Without this script the page refreshes itself.
(function () {
  "use strict";
  var bar = document.getElementById("job-progress");
  if (!bar || !window.fetch) {
    return;
  }
  var url = bar.getAttribute("data-poll");
  var stage = document.getElementById("job-stage");
  var count = document.getElementById("job-count");
  function tick() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.state !== "running") {
          window.location.reload();
          return;
        }
        if (j.total > 0) {
          bar.max = j.total;
          bar.value = j.done;
        }
        stage.textContent = j.label;
        count.textContent = j.done + " / " + j.total;
        setTimeout(tick, 400);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 200);
})();
