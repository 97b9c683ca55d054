// The SPARQL editor at /sparql: YASGUI (vendored from npm) against this server's endpoint only,
// a chart view of results (Chart.js, vendored), the example gallery, and links to our resources
// kept on this host and shown by their labels. No inline script: the page works under a strict CSP.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") {
    return; // the assets are missing; the plain form stays usable
  }
  var english = root.dataset.lang === "en";
  var endpoint = new URL(root.dataset.endpoint, window.location.href).href;
  var base = root.dataset.base; // e.g. https://w3id.org/asmk/id/
  var prefixes = JSON.parse(root.dataset.prefixes || "{}");
  var starter = document.getElementById("plain-query").value;
  document.getElementById("plain-form").hidden = true;

  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

  // --- results as a bar chart: one column of labels (or IRIs, dates) and one of numbers ---
  function chartData(results) {
    if (!results || !results.getBindings) {
      return null;
    }
    var bindings = results.getBindings();
    var variables = results.getVariables();
    if (!bindings || bindings.length === 0 || variables.length < 2) {
      return null;
    }
    var isNumber = function (name) {
      return bindings.every(function (row) {
        var cell = row[name];
        return cell && cell.type !== "uri" && (NUMERIC.test(cell.datatype || "") || /^-?\d+(\.\d+)?$/.test(cell.value));
      });
    };
    var valueVar = variables.filter(isNumber).pop();
    var labelVar = variables.filter(function (name) { return name !== valueVar; })[0];
    if (!valueVar || !labelVar) {
      return null;
    }
    return {
      labelVar: labelVar,
      valueVar: valueVar,
      labels: bindings.map(function (row) {
        var cell = row[labelVar];
        return cell ? (cell.type === "uri" ? cell.value.replace(/^.*[\/#]/, "") : cell.value) : "";
      }),
      values: bindings.map(function (row) { return Number(row[valueVar].value); }),
    };
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = english ? "Chart" : "Diagramm";
    this.chart = null;
  }
  ChartPlugin.prototype.canHandleResults = function () {
    return chartData(this.yasr.results) !== null;
  };
  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "chart-icon";
    icon.textContent = "▮▮";
    return icon;
  };
  ChartPlugin.prototype.draw = function () {
    var data = chartData(this.yasr.results);
    var box = document.createElement("div");
    box.className = "chart-box";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", (english ? "Bar chart of " : "Balkendiagramm: ") + data.valueVar + " / " + data.labelVar);
    box.appendChild(canvas);
    this.yasr.resultsEl.appendChild(box);
    this.chart = new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.valueVar, data: data.values, backgroundColor: "#0b4f8a" }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: data.labels.length > 8 ? "y" : "x" },
    });
  };
  ChartPlugin.prototype.destroy = function () {
    if (this.chart) {
      this.chart.destroy();
      this.chart = null;
    }
  };
  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null, // every visit starts from the prefixes and the starter query
    populateFromUrl: false,
    yasqe: { value: starter, autocompleters: ["prefixes", "variables"] }, // no online class/property lookups
    yasr: { prefixes: prefixes, defaultPlugin: "table", pluginOrder: ["table", "chart", "response"] },
  });

  // --- accessibility of the vendored widgets: names for their inputs, one tab only ---
  function patchAccessibility() {
    root.querySelectorAll(".tabsList button[aria-label]").forEach(function (button) {
      button.remove(); // "new tab": not a tab inside the tablist; the gallery loads into the one tab
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", english ? "SPARQL endpoint" : "SPARQL-Endpunkt");
    });
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (textarea) {
      textarea.setAttribute("aria-label", english ? "SPARQL query" : "SPARQL-Abfrage");
    });
    root.querySelectorAll(".CodeMirror-scroll[tabindex='-1']").forEach(function (scroller) {
      scroller.setAttribute("tabindex", "0");
    });
  }
  patchAccessibility();

  // --- the example gallery ---
  document.querySelectorAll("button.run-example").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById("query-" + button.dataset.example).textContent;
      var tab = yasgui.getTab();
      tab.getYasqe().setValue(text);
      tab.getYasqe().query();
      root.scrollIntoView({ behavior: "auto", block: "start" });
    });
  });

  // --- links to our resources: on this host, shown by their labels ---
  var labels = {};
  function localPath(iri) {
    return "/id/" + iri.substring(base.length);
  }
  function fetchLabels(iris) {
    var values = iris.map(function (iri) { return "<" + iri + ">"; }).join(" ");
    var query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s ?label WHERE { VALUES ?s { " + values +
      " } ?s rdfs:label ?label FILTER (LANG(?label) IN (\"de\", \"\")) }";
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query: query }),
    }).then(function (response) { return response.ok ? response.json() : { results: { bindings: [] } }; })
      .then(function (answer) {
        answer.results.bindings.forEach(function (row) { labels[row.s.value] = row.label.value; });
      });
  }
  function relabel(anchors) {
    anchors.forEach(function (a) {
      var iri = a.dataset.iri;
      if (labels[iri]) {
        a.textContent = labels[iri];
        a.title = iri;
      }
    });
  }
  var VOCABULARY = "https://w3id.org/asmk/def#";
  function localise() {
    root.querySelectorAll("a.iri").forEach(function (a) {
      if (a.href.indexOf(VOCABULARY) === 0) {
        a.href = "/ontology#" + a.href.substring(VOCABULARY.length); // terms of the vocabulary: its page here
        a.removeAttribute("target");
      }
    });
    var anchors = Array.prototype.filter.call(root.querySelectorAll("a.iri"), function (a) {
      return !a.dataset.iri && a.href.indexOf(base) === 0;
    });
    if (anchors.length === 0) {
      return;
    }
    anchors.forEach(function (a) {
      a.dataset.iri = a.href;
      a.href = localPath(a.dataset.iri);
      a.removeAttribute("target");
    });
    var missing = anchors.map(function (a) { return a.dataset.iri; }).filter(function (iri, i, all) {
      return !(iri in labels) && all.indexOf(iri) === i;
    });
    if (missing.length === 0) {
      relabel(anchors);
    } else {
      fetchLabels(missing.slice(0, 500)).then(function () { relabel(anchors); });
    }
  }
  new MutationObserver(function () {
    patchAccessibility();
    localise();
  }).observe(root, { childList: true, subtree: true });
})();
