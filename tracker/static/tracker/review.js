// The reviewers' page: live lease countdowns and the N shortcut for "Take next".
// Everything works without this script; it only keeps the numbers fresh.
(function () {
  "use strict";

  function leaseText(ms) {
    if (ms <= 0) return "lease expired";
    var minutes = Math.floor(ms / 60000);
    var seconds = Math.floor((ms % 60000) / 1000);
    return minutes > 0 ? minutes + " min " + seconds + " s left" : seconds + " s left";
  }

  function tick() {
    document.querySelectorAll("[data-lease-expires]").forEach(function (el) {
      var left = new Date(el.dataset.leaseExpires).getTime() - Date.now();
      el.textContent = leaseText(left);
      el.classList.toggle("low", left < 5 * 60000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "n" && event.key !== "N") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var button = document.getElementById("take-next");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
