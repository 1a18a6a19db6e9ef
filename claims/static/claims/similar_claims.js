// The claim add form's "already tracked?" hint: while an editor types a statement, the most
// similar stored claims are listed under it with their score, so a duplicate is caught before
// it is saved. Asks the admin's similar/ view (claims/admin_similar.py); no inline script, for
// the Content-Security-Policy.
(function () {
  "use strict";

  function init() {
    var statement = document.getElementById("id_statement");
    if (!statement || !/\/add\/$/.test(window.location.pathname)) {
      return;
    }
    var language = document.getElementById("id_language");
    var endpoint = window.location.pathname.replace(/add\/$/, "similar/");
    var box = document.createElement("div");
    box.className = "similar-claims";
    box.id = "similar-claims";
    box.setAttribute("aria-live", "polite");
    statement.parentNode.appendChild(box);
    var timer = null;
    var asked = 0;

    function show(results) {
      box.textContent = "";
      if (!results.length) {
        box.hidden = true;
        return;
      }
      box.hidden = false;
      var title = document.createElement("p");
      title.className = "similar-claims-title";
      title.textContent = "Already tracked? Similar claims:";
      box.appendChild(title);
      var list = document.createElement("ol");
      results.forEach(function (match) {
        var item = document.createElement("li");
        var score = document.createElement("span");
        score.className = "similar-claims-score";
        score.textContent = Math.round(match.score * 100) + "%";
        var link = document.createElement("a");
        link.href = match.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "#" + match.id + " " + match.statement;
        var who = document.createElement("span");
        who.className = "similar-claims-meta";
        who.textContent = " — " + match.claimant + ", " + match.state;
        item.appendChild(score);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(link);
        item.appendChild(who);
        list.appendChild(item);
      });
      box.appendChild(list);
    }

    function ask() {
      var text = statement.value.trim();
      if (text.length < 12) {
        show([]);
        return;
      }
      var query = "?text=" + encodeURIComponent(text);
      if (language && language.value) {
        query += "&language=" + encodeURIComponent(language.value);
      }
      var mine = ++asked;
      fetch(endpoint + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (mine === asked) { show(body.results || []); } })
        .catch(function () { /* a hint, not a gate: the form works without it */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 350);
    }

    statement.addEventListener("input", later);
    if (language) {
      language.addEventListener("change", later);
    }
    box.hidden = true;
    if (statement.value.trim()) {
      ask();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
