// Search for the offline copy of the site, opened from file:// with no server.
// Pagefind cannot run there (browsers block fetch, ES modules and WebAssembly for file://),
// so the index is a plain script (search/offline-index.js) searched with MiniSearch.
(function () {
  "use strict";
  // The type, then a facet per taxonomy the index names (taxonomies.py declares them), then method and year.
  var declared = (window.PRACTICE_SEARCH && window.PRACTICE_SEARCH.facets) || [];
  var FACETS = [["type", function (d) { return [d.type]; }]].concat(
    declared.map(function (name) { return [name, function (d) { return (d.filters && d.filters[name]) || []; }]; }),
    [
      ["method", function (d) { return d.methods; }],
      ["year", function (d) { return d.years; }]
    ]
  );

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function start() {
    var root = document.getElementById("offline-search");
    if (!root || !window.PRACTICE_SEARCH || typeof MiniSearch === "undefined") return;
    var strings = JSON.parse(root.getAttribute("data-strings"));
    var prefix = root.getAttribute("data-root");
    var docs = window.PRACTICE_SEARCH.documents;
    var byId = {};
    docs.forEach(function (d) { byId[d.id] = d; });
    var index = new MiniSearch({
      fields: ["title", "summary", "text", "city", "country", "topics", "methods"],
      extractField: function (doc, field) { var v = doc[field]; return Array.isArray(v) ? v.join(" ") : v; },
      searchOptions: { prefix: true, fuzzy: 0.2, combineWith: "AND", boost: { title: 3, summary: 2, city: 2 } }
    });
    index.addAll(docs);

    var input = document.getElementById("offline-query");
    var filtersBox = document.getElementById("offline-filters");
    var status = document.getElementById("offline-status");
    var list = document.getElementById("offline-results");
    var selected = {};
    FACETS.forEach(function (f) { selected[f[0]] = Object.create(null); });

    function label(facet, value) {
      if (facet === "type") return strings.kinds[value] || value;
      if (facet === "cynefin") return strings.domains[value] || value;
      return value;
    }

    function matches(doc, except) {
      return FACETS.every(function (f) {
        var chosen = Object.keys(selected[f[0]]);
        if (f[0] === except || chosen.length === 0) return true;
        var values = f[1](doc);
        return chosen.some(function (c) { return values.indexOf(c) !== -1; });
      });
    }

    function queryHits() {
      var q = input.value.trim();
      if (!q) return docs.slice().sort(function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : 0; });
      return index.search(q).map(function (hit) { return byId[hit.id]; });
    }

    function renderFilters(hits) {
      filtersBox.textContent = "";
      FACETS.forEach(function (f) {
        var counts = Object.create(null);  // a city named "constructor" or "__proto__" is just a key
        hits.filter(function (d) { return matches(d, f[0]); }).forEach(function (d) {
          f[1](d).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        Object.keys(selected[f[0]]).forEach(function (v) { counts[v] = counts[v] || 0; });
        var values = Object.keys(counts).sort(function (a, b) { return label(f[0], a).localeCompare(label(f[0], b)); });
        if (!values.length) return;
        var set = el("fieldset", { "class": "offline-facet" });
        set.appendChild(el("legend", {}, strings.filters[f[0]]));
        values.forEach(function (v, i) {
          var id = "facet-" + f[0] + "-" + i;
          var box = el("input", { type: "checkbox", id: id, value: v });
          box.checked = !!selected[f[0]][v];
          box.addEventListener("change", function () {
            if (box.checked) selected[f[0]][v] = true; else delete selected[f[0]][v];
            update(id);
          });
          var row = el("div", { "class": "offline-facet-option" });
          row.appendChild(box);
          row.appendChild(el("label", { "for": id }, label(f[0], v) + " (" + counts[v] + ")"));
          set.appendChild(row);
        });
        filtersBox.appendChild(set);
      });
    }

    function card(doc) {
      var li = el("li");
      var article = el("article", { "class": "card card-" + doc.type });
      article.appendChild(el("p", { "class": "card-kind" }, strings.kinds[doc.type] + (doc.cynefin ? " · " + strings.domains[doc.cynefin] : "")));
      var heading = el("h2", { "class": "card-title" });
      var link = el("a", { href: prefix + doc.id + "index.html", lang: doc.lang });
      link.appendChild(el("bdi", {}, doc.title));
      heading.appendChild(link);
      article.appendChild(heading);
      var meta = el("p", { "class": "card-meta" });
      meta.appendChild(el("bdi", {}, doc.city));
      meta.appendChild(document.createTextNode(", " + doc.country + " · "));
      meta.appendChild(el("time", { datetime: doc.date }, doc.date_label));
      article.appendChild(meta);
      article.appendChild(el("p", { "class": "card-summary", lang: doc.lang }, doc.summary));
      li.appendChild(article);
      return li;
    }

    function update(focusId) {
      var hits = queryHits();
      var shown = hits.filter(function (d) { return matches(d, null); });
      var anyFilter = FACETS.some(function (f) { return Object.keys(selected[f[0]]).length; });
      list.textContent = "";
      if (!input.value.trim() && !anyFilter) {
        status.textContent = "";
      } else {
        shown.forEach(function (d) { list.appendChild(card(d)); });
        status.textContent = shown.length === 0 ? strings.no_results : shown.length === 1 ? strings.one_result : strings.results.replace("%(num)s", shown.length);
      }
      renderFilters(hits);
      if (focusId && document.getElementById(focusId)) document.getElementById(focusId).focus();
    }

    var query = new URLSearchParams(window.location.search).get("q");
    if (query) input.value = query;
    input.addEventListener("input", function () { update(); });
    root.querySelector("form").addEventListener("submit", function (event) { event.preventDefault(); update(); });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
