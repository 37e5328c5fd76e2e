/* The overview charts: bars per responsible leader and per handling unit, from #overview-data. */
(function () {
  "use strict";

  var COLORS = { issued: "#607d8b", completed: "#2e7d32", in_progress: "#1565c0", overdue: "#c62828" };
  var KEYS = ["issued", "completed", "in_progress", "overdue"];
  var MAX_ROWS = 12;

  function barChart(el, rows, labels) {
    var n = rows.names.length;
    var shown = Math.min(n, MAX_ROWS);
    // Horizontal bars: long Chinese unit names stay readable; beyond MAX_ROWS rows a slider scrolls.
    el.style.height = Math.max(200, 70 + shown * 52) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: KEYS.map(function (k) { return COLORS[k]; }),
      // drawn on the canvas: the HTML tooltip carries style="" attributes, which the CSP refuses
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { top: 0, data: KEYS.map(function (k) { return labels[k]; }) },
      grid: { left: 8, right: n > MAX_ROWS ? 40 : 24, top: 36, bottom: 8, containLabel: true },
      dataZoom: n > MAX_ROWS ? [
        { type: "slider", yAxisIndex: 0, startValue: 0, endValue: MAX_ROWS - 1, right: 6, width: 16,
          showDetail: false, brushSelect: false },
        { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true }
      ] : [],
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: rows.names,
        axisLabel: { width: 140, overflow: "truncate" }
      },
      series: KEYS.map(function (k) {
        return { name: labels[k], type: "bar", data: rows[k], barMaxWidth: 12, barGap: "10%" };
      })
    });
    return chart;
  }

  function init() {
    var node = document.getElementById("overview-data");
    if (!node || typeof echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var charts = [];
    var leaders = document.getElementById("chart-leaders");
    var units = document.getElementById("chart-units");
    if (leaders) { charts.push(barChart(leaders, data.leaders, data.labels)); }
    if (units) { charts.push(barChart(units, data.units, data.labels)); }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });

    var year = document.getElementById("ov-year");
    if (year) {
      year.addEventListener("change", function () { year.form.submit(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
