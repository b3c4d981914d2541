// The import page while a file is checked or imported in the background: ask how far it
// is every second, move the progress bar, and show the report once the run has finished.
document.addEventListener("DOMContentLoaded", function () {
  var card = document.getElementById("progress-card");
  if (!card) return;
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("progress-text");
  var format = new Intl.NumberFormat();
  function poll() {
    fetch(card.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.running) {
          window.location.reload();
          return;
        }
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        text.textContent = state.stage.charAt(0).toUpperCase() + state.stage.slice(1) + ": " +
          format.format(state.done) + " of " + format.format(state.total) + " rows.";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
});
