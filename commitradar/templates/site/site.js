// commitradar static site: filters and client-side search. No network; works from file:// too.
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }

  // ---- index: reports filtered by tier, repository and search text
  function initIndex(root) {
    var tierSel = $("#tier-filter"), repoSel = $("#repo-filter"), search = $("#search");
    var status = $("#filter-status"), results = $("#search-results");
    var rows = $all("tr[data-repo]", root), groups = $all("section.day", root);
    var data = window.COMMITRADAR_SEARCH || { repos: [], pages: [], commits: [] };
    var shownTpl = root.getAttribute("data-shown"), matchTpl = root.getAttribute("data-matches");
    var moreTpl = root.getAttribute("data-more");
    var LIMIT = 50;

    function terms() { return search.value.toLowerCase().split(/\s+/).filter(Boolean); }
    function hit(text, ts) { for (var i = 0; i < ts.length; i++) { if (text.indexOf(ts[i]) < 0) return false; } return true; }

    function apply() {
      var tier = tierSel.value, repo = repoSel.value, ts = terms();
      var pagesWithHits = {}, found = [];
      if (ts.length) {
        data.commits.forEach(function (c) {
          // c = [page index, anchor, tier, sha, subject, author]
          var page = data.pages[c[0]];
          if (repo && data.repos[page[0]] !== repo) return;
          if (hit((c[4] + " " + c[5] + " " + c[3]).toLowerCase(), ts)) { pagesWithHits[c[0]] = true; found.push(c); }
        });
      }
      var n = 0;
      rows.forEach(function (r) {
        var ok = (!repo || r.getAttribute("data-repo") === repo);
        if (ok && tier === "high") ok = +r.getAttribute("data-high") > 0;
        if (ok && tier === "medium") ok = (+r.getAttribute("data-high") + +r.getAttribute("data-medium")) > 0;
        if (ok && ts.length) ok = hit(r.textContent.toLowerCase(), ts) || pagesWithHits[r.getAttribute("data-page-index")];
        r.hidden = !ok;
        if (ok) n++;
      });
      groups.forEach(function (g) { g.hidden = !$("tr[data-repo]:not([hidden])", g); });
      status.textContent = fmt(shownTpl, { n: n, total: rows.length });
      renderResults(found, ts);
    }

    function renderResults(found, ts) {
      results.innerHTML = "";
      if (!ts.length) { results.hidden = true; return; }
      results.hidden = false;
      var h = document.createElement("h2");
      h.textContent = fmt(matchTpl, { n: found.length }) + (found.length > LIMIT ? fmt(moreTpl, { shown: LIMIT }) : "");
      results.appendChild(h);
      var ol = document.createElement("ol");
      found.slice(0, LIMIT).forEach(function (c) {
        var page = data.pages[c[0]];
        var li = document.createElement("li");
        var badge = document.createElement("span");
        badge.className = "badge t-" + c[2];
        badge.textContent = c[2];
        var a = document.createElement("a");
        a.href = page[2] + "#" + c[1];
        a.textContent = c[4] || c[3].slice(0, 7);  // textContent: commit text is never parsed as HTML
        var meta = document.createElement("span");
        meta.className = "muted";
        meta.textContent = " · " + data.repos[page[0]] + " · " + page[1] + " · " + c[5];
        li.appendChild(badge); li.appendChild(document.createTextNode(" ")); li.appendChild(a); li.appendChild(meta);
        ol.appendChild(li);
      });
      results.appendChild(ol);
    }

    [tierSel, repoSel].forEach(function (el) { el.addEventListener("change", apply); });
    search.addEventListener("input", apply);
    $("#filters").addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    apply();
  }

  // ---- report page: entries filtered by tier
  function initReport(root) {
    var boxes = $all("input[name=tier]", root), status = $("#filter-status");
    var tpl = root.getAttribute("data-shown");
    var entries = $all("article.entry", root), sections = $all("section.tier", root);
    function apply() {
      var on = {};
      boxes.forEach(function (b) { on[b.value] = b.checked; });
      var n = 0;
      entries.forEach(function (e) { e.hidden = !on[e.getAttribute("data-tier")]; if (!e.hidden) n++; });
      sections.forEach(function (s) { s.hidden = !$("article.entry:not([hidden])", s); });
      if (status) status.textContent = fmt(tpl, { n: n, total: entries.length });
    }
    boxes.forEach(function (b) { b.addEventListener("change", apply); });
    apply();
  }

  var index = $("[data-page=index]"), report = $("[data-page=report]");
  if (index) initIndex(index);
  if (report) initReport(report);
})();
