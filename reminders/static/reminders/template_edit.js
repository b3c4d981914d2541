// The template editor: a live preview for the chosen customer, refreshed as the text changes.
(function () {
  var box = document.getElementById("preview");
  var form = document.getElementById("template-form");
  var select = document.getElementById("preview-customer");
  var parts = ["subject", "body_html", "body_text", "short_text", "voice_script"];
  var timer = null, serial = 0;

  function show(data) {
    var errors = document.getElementById("preview-errors");
    var output = document.getElementById("preview-output");
    document.getElementById("preview-about").textContent =
      data.customer + " · " + data.invoices + " open invoice" + (data.invoices === 1 ? "" : "s") +
      (data.recipient ? " · to " + data.recipient : "");
    if (!data.ok) {
      errors.textContent = "";
      Object.keys(data.errors).forEach(function (part) {
        data.errors[part].forEach(function (message) {
          var p = document.createElement("p");
          p.className = "error";
          p.textContent = (part === "__all__" ? "" : part + ": ") + message;
          errors.appendChild(p);
        });
      });
      errors.hidden = false;
      // The last good preview stays, dimmed: hiding the frame would make Chromium drop its
      // layout until the next load.
      output.classList.add("stale");
      return;
    }
    errors.hidden = true;
    output.classList.remove("stale");
    document.getElementById("preview-subject").textContent = data.subject;
    // srcdoc in a sandbox without scripts: the message HTML never runs in this page.
    document.getElementById("preview-html").srcdoc = data.body_html;
    document.getElementById("preview-text").textContent = data.body_text;
    document.getElementById("preview-short").textContent = data.short_text;
    document.getElementById("preview-voice").textContent = data.voice_script;
  }

  function refresh() {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("customer", select.value);
    parts.forEach(function (part) { body.append(part, form.elements[part].value); });
    var mine = ++serial;
    box.setAttribute("aria-busy", "true");
    fetch(box.dataset.url, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === serial) { show(data); box.setAttribute("aria-busy", "false"); } });
  }

  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  select.addEventListener("change", refresh);
  refresh();
})();
