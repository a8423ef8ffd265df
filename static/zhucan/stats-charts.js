/* Draws the dashboard's charts with Apache ECharts from the page's json_script data island.
   Every chart has an HTML table with the same figures right below it; ECharts' aria option
   describes each chart to screen readers, and decal patterns tell series apart without colour.

   Names are never cut: organisation names such as 平顶山市人力资源和社会保障局 wrap onto more
   lines instead of ending in "…". Many or long names turn the bars sideways, so that each name
   has a line of its own and the chart grows downwards, not sideways. Each chart follows its
   box (a ResizeObserver): a narrow window or 400 % zoom re-lays it out instead of leaving a
   canvas wider than the page. */
(function () {
  "use strict";
  var island = document.getElementById("stats-chart-data");
  if (!island || !window.echarts) return;
  var data = JSON.parse(island.textContent);
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ROW = 36; // px per name when the bars lie sideways: two lines of wrapped name fit
  var LONG = 6; // characters: a name longer than this would not fit under an upright bar

  function sideways(spec) {
    var longest = spec.labels.reduce(function (n, label) { return Math.max(n, label.length); }, 0);
    return spec.labels.length > 4 || longest > LONG;
  }

  // Room for the names: at most 40 % of the chart's width, so that the bars keep the rest.
  function labelWidth(element, spec) {
    var width = element.clientWidth || 320;
    if (sideways(spec)) return Math.max(64, Math.min(160, Math.floor(width * 0.4)));
    return Math.max(40, Math.floor((width - 48) / Math.max(1, spec.labels.length)) - 8);
  }

  function categoryAxis(element, spec) {
    return {
      type: "category",
      data: spec.labels,
      inverse: sideways(spec), // the first organisation on top, as in the table
      axisLabel: { interval: 0, width: labelWidth(element, spec), overflow: "break", lineHeight: 16 }
    };
  }

  function options(element, spec) {
    var common = {
      aria: { enabled: true, decal: { show: true } },
      animation: !still,
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", confine: true },
      legend: { top: 0, type: "scroll" }
    };
    if (spec.kind === "pie") {
      var values = spec.series[0].values;
      common.series = [{
        type: "pie",
        name: spec.series[0].name,
        radius: "55%",
        top: 24,
        label: { width: labelWidth(element, { labels: ["", ""] }), overflow: "break" },
        data: spec.labels.map(function (label, i) { return { name: label, value: values[i] }; })
      }];
      return common;
    }
    common.grid = { left: 8, right: 16, bottom: 8, top: 36, containLabel: true };
    var names = categoryAxis(element, spec);
    var amounts = { type: "value" };
    if (sideways(spec)) {
      common.yAxis = names;
      common.xAxis = amounts;
    } else {
      common.xAxis = names;
      common.yAxis = amounts;
    }
    common.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.values };
    });
    return common;
  }

  // Sideways bars need a line per name: the box grows with the number of organisations.
  function fitHeight(element, spec) {
    if (spec.kind === "pie" || !sideways(spec)) return;
    var rows = spec.labels.length * (spec.series.length > 1 ? 1.25 : 1); // room for each bar
    element.style.height = Math.max(288, Math.round(rows * ROW) + 72) + "px";
  }

  function relayout(entry) {
    var width = labelWidth(entry.element, entry.spec);
    if (width !== entry.width && entry.spec.kind !== "pie") {
      entry.width = width;
      var axis = { axisLabel: { width: width } };
      entry.chart.setOption(sideways(entry.spec) ? { yAxis: axis } : { xAxis: axis });
    }
    entry.chart.resize();
  }

  var entries = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var spec = data[element.getAttribute("data-chart")];
    if (!spec) return;
    fitHeight(element, spec);
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(options(element, spec));
    entries.push({ element: element, spec: spec, chart: chart, width: labelWidth(element, spec) });
  });

  var pending = null;
  function later() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () {
      pending = null;
      entries.forEach(relayout);
    });
  }
  if (window.ResizeObserver) {
    var observer = new window.ResizeObserver(later);
    entries.forEach(function (entry) { observer.observe(entry.element); });
  } else {
    window.addEventListener("resize", later);
  }
})();
