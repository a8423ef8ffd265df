/* Draws the dashboard's charts with Apache ECharts from the page's json_script data island.
   Every chart has an HTML table with the same figures right below it; ECharts' aria option
   describes each chart to screen readers, and decal patterns tell series apart without colour. */
(function () {
  "use strict";
  var island = document.getElementById("stats-chart-data");
  if (!island || !window.echarts) return;
  var data = JSON.parse(island.textContent);
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function options(spec) {
    var common = {
      aria: { enabled: true, decal: { show: true } },
      animation: !still,
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis" },
      legend: { top: 0, type: "scroll" }
    };
    if (spec.kind === "pie") {
      var values = spec.series[0].values;
      common.series = [{
        type: "pie",
        name: spec.series[0].name,
        radius: "60%",
        top: 24,
        data: spec.labels.map(function (label, i) { return { name: label, value: values[i] }; })
      }];
      return common;
    }
    common.grid = { left: 8, right: 8, bottom: 8, top: 36, containLabel: true };
    common.xAxis = {
      type: "category",
      data: spec.labels,
      axisLabel: { interval: 0, rotate: spec.labels.length > 4 ? 30 : 0, width: 96, overflow: "truncate" }
    };
    common.yAxis = { type: "value" };
    common.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.values };
    });
    return common;
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var spec = data[element.getAttribute("data-chart")];
    if (!spec) return;
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(options(spec));
    charts.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) { chart.resize(); });
    }, 150);
  });
})();
