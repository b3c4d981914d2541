// The tenant switcher in the top bar: choosing a tenant opens its overview.
document.addEventListener("DOMContentLoaded", function () {
  var switcher = document.getElementById("tenant-switcher");
  if (!switcher) return;
  switcher.addEventListener("change", function () {
    if (switcher.value) window.location = switcher.value;
  });
});
