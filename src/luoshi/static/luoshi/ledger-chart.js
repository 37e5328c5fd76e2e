/* A ledger task's indicator charts: planned against actual by month, from each .ledger-chart's
 * data-chart (task_data._chart: months, planned, actual, target, labels, measure). The plan is known
 * only at its periods' ends (quarters): its line joins them. The target is a dashed line. */
(function () {
  "use strict";

  var PLANNED = "#607d8b", ACTUAL = "#c62828", TARGET = "#2e7d32";

  function draw(el) {
    var data;
    try {
      data = JSON.parse(el.getAttribute("data-chart"));
    } catch (e) {
      return null;
    }
    el.style.height = "260px"; // set from script: the CSP refuses style="" attributes
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var unit = data.measure || "";
    chart.setOption({
      animation: false,
      color: [PLANNED, ACTUAL],
      // drawn on the canvas: the HTML tooltip carries style="" attributes, which the CSP refuses
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      legend: { top: 0, data: [data.labels.planned, data.labels.actual] },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      // room for the target's line above the figures so far
      yAxis: { type: "value", name: unit, nameTextStyle: { align: "left" },
               max: data.target === null ? undefined : function (v) { return Math.max(v.max, data.target); } },
      series: [
        { name: data.labels.planned, type: "line", data: data.planned, connectNulls: true, symbolSize: 7,
          lineStyle: { type: "dashed" },
          markLine: data.target === null ? undefined : {
            silent: true, symbol: "none", lineStyle: { color: TARGET, type: "dotted" },
            label: { formatter: data.labels.target + " " + data.target + unit, position: "insideEndBottom" },
            data: [{ yAxis: data.target }]
          } },
        { name: data.labels.actual, type: "line", data: data.actual, symbolSize: 7, step: false }
      ]
    });
    el.setAttribute("data-drawn", "1");
    return chart;
  }

  function init() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    Array.prototype.forEach.call(document.querySelectorAll(".ledger-chart[data-chart]"), function (el) {
      var chart = draw(el);
      if (chart) { charts.push(chart); }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
