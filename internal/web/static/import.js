// Polls an import's progress while it runs, then reloads to show the row problems.
(function () {
  var box = document.getElementById("import");
  if (!box || box.dataset.status !== "running") return;
  var id = box.dataset.id;
  function set(k, v) { var e = document.getElementById(k); if (e) e.textContent = v; }
  function poll() {
    fetch("/api/v1/imports/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (im) {
        document.getElementById("progress").value = im.processed;
        set("processed", im.processed); set("imported", im.imported);
        set("already", im.already_registered); set("refused", im.refused);
        if (im.status === "running") setTimeout(poll, 1000); else location.reload();
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
