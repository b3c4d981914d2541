// The segment editor: "Add rule" appends an empty rule row; the matching customers are
// counted on demand and whenever a rule changes.
(function () {
  var form = document.getElementById("segment-form");
  document.getElementById("add-rule").addEventListener("click", function () {
    var total = document.getElementById("id_rules-TOTAL_FORMS");
    var html = document.getElementById("rule-template").innerHTML.replace(/__prefix__/g, total.value);
    document.getElementById("rule-rows").insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
  });
  function count() {
    var box = document.getElementById("rule-errors");
    fetch(form.dataset.countUrl, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        document.getElementById("match-count").textContent = data.count === null ? "–" : data.count;
        box.textContent = "";
        data.errors.forEach(function (message) {
          var p = document.createElement("p");
          p.className = "error";
          p.textContent = message;
          box.appendChild(p);
        });
        box.hidden = data.errors.length === 0;
      });
  }
  document.getElementById("count-matches").addEventListener("click", count);
  form.addEventListener("change", function (event) { if (event.target.closest(".rule-row")) count(); });
})();
