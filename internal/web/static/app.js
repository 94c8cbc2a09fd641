// Perisai's only script: open the menu in the bar on a wide screen (on a phone it stays a
// button, so the page starts with its content). Everything works without it.
(function () {
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia("(min-width: 48rem)").matches) menu.open = true;
})();
