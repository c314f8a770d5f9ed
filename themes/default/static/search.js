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
  // Pagefind's input carries only a title; give it a real accessible name (WCAG 1.3.1, 4.1.2).
  var input = target.querySelector(".pagefind-ui__search-input");
  if (input) input.setAttribute("aria-label", target.dataset.label);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
