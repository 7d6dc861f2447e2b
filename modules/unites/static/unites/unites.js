// Collapsible unit tree: progressive enhancement (without JavaScript every branch is open).
// Each branch has a real <button aria-expanded>, so Tab reaches it and Enter/Space toggle it.
(function () {
  "use strict";
  var tree = document.getElementById("unites-arbre");
  if (!tree) { return; }
  function set(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (list) { list.hidden = !open; }
  }
  var buttons = tree.querySelectorAll("button.bascule");
  buttons.forEach(function (button) {
    button.hidden = false;
    // Large trees show their first two levels: roots open, deeper branches closed.
    set(button, Number(button.dataset.profondeur) < 1);
    button.addEventListener("click", function () {
      set(button, button.getAttribute("aria-expanded") !== "true");
    });
  });
  var bar = document.querySelector(".unites-bascules");
  if (bar && buttons.length) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var target = event.target.closest("button[data-tout]");
      if (!target) { return; }
      var open = target.dataset.tout === "ouvrir";
      buttons.forEach(function (button) { set(button, open); });
    });
  }
  // A link to #unite-CODE (after a save) opens the branches above it.
  var anchor = window.location.hash && document.getElementById(window.location.hash.slice(1));
  for (var node = anchor; node && node !== tree; node = node.parentElement) {
    if (node.tagName === "UL" && node.id) {
      var owner = tree.querySelector('button[aria-controls="' + node.id + '"]');
      if (owner) { set(owner, true); }
    }
  }
})();
