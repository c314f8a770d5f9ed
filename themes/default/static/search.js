// Starts Pagefind's Default UI; a query in the address (search/?q=bikes) runs on load.
function escapeHtml(text) {
  return String(text || "").replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

// Each result shows its city, Cynefin domain and summary (recorded as Pagefind metadata by the
// page templates). Pagefind renders the excerpt as HTML, so every value is escaped here.
function showFacts(result) {
  var meta = result.meta || {};
  var facts = [meta.city, meta.domain].filter(Boolean).map(escapeHtml).join(" · ");
  if (meta.summary) {
    result.excerpt = (facts ? '<span class="result-facts">' + facts + "</span> " : "") + escapeHtml(meta.summary);
  }
  return result;
}

// Pagefind names each filter group by its key (topic, cynefin...); show the page's language's label instead.
// Pagefind's UI reuses these elements for other filters as results come in and rewrites their text with
// the new key, so every element is checked on every change (and left alone once it shows its label).
function relabelFilters(target, labels) {
  function relabel() {
    target.querySelectorAll(".pagefind-ui__filter-name, .pagefind-ui__filter-group-label").forEach(function (element) {
      var key = element.textContent.trim().toLowerCase();  // Pagefind shows "topic" as "Topic"
      if (Object.prototype.hasOwnProperty.call(labels, key) && element.textContent !== labels[key]) {
        element.textContent = labels[key];
      }
    });
  }
  new MutationObserver(relabel).observe(target, { childList: true, subtree: true, characterData: true });
  relabel();
}

window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("search");
  if (!target || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: target.dataset.bundlePath,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    processResult: showFacts,
    translations: { placeholder: target.dataset.placeholder }
  });
  // Pagefind's input carries only a title; give it a real accessible name (WCAG 1.3.1, 4.1.2).
  var input = target.querySelector(".pagefind-ui__search-input");
  if (input) input.setAttribute("aria-label", target.dataset.label);
  relabelFilters(target, JSON.parse(target.dataset.filterLabels || "{}"));
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
