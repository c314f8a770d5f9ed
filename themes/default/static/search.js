// Starts Pagefind's Default UI; a query in the address (search/?q=bikes) runs on load.
window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("search");
  if (!target || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: target.dataset.bundlePath,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: target.dataset.placeholder }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
