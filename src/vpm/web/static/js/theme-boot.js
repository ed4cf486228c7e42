/* Runs before the page paints: apply the saved theme so a dark control room never flashes white. */
(function () {
  try {
    var t = localStorage.getItem("vpm.theme");
    if (t === "light" || t === "dark") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage blocked: keep the default (dark) */ }
})();
