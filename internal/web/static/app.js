// Perisai's only script. Everything works without it.
(function () {
  // Open the menu in the bar on a wide screen; on a phone it stays a button, so the page
  // starts with its content.
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia("(min-width: 48rem)").matches) menu.open = true;

  // Place pickers: as a person types a name, ask for the places that match and offer them.
  // The page came with the places of the person's own area; this reaches every other one.
  document.querySelectorAll("input[data-region-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || q === last || q.indexOf("(") >= 0) return;
      timer = setTimeout(function () {
        last = q;
        var url = "/api/v1/regions?limit=20&q=" + encodeURIComponent(q);
        if (input.dataset.regionSearch) url += "&level=" + input.dataset.regionSearch;
        fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { items: [] }; }).then(function (d) {
          list.innerHTML = "";
          (d.items || []).forEach(function (a) {
            var o = document.createElement("option");
            o.value = a.label;
            list.appendChild(o);
          });
        });
      }, 250);
    });
  });
})();
