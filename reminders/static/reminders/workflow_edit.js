// The workflow editor: "Add step" appends an empty row from the step template.
document.getElementById("add-step").addEventListener("click", function () {
  var total = document.getElementById("id_steps-TOTAL_FORMS");
  var html = document.getElementById("step-template").innerHTML.replace(/__prefix__/g, total.value);
  document.getElementById("step-rows").insertAdjacentHTML("beforeend", html);
  total.value = parseInt(total.value, 10) + 1;
});
