/* The cockpit's charts, drawn from #cockpit-data (every section's shape: charts of labels × series, each point
   with its url; the trends, twelve months a series). Clicking a segment opens the records behind it. The
   scope switcher's selects submit their form on change. */
(function () {
  "use strict";

  var COLORS = { red: "#c62828", yellow: "#f9a825", green: "#2e7d32", blue: "#1565c0", grey: "#607d8b", gray: "#607d8b" };
  var PALETTE = ["#1565c0", "#2e7d32", "#c62828", "#f9a825", "#6a1b9a", "#00838f", "#607d8b", "#ef6c00"];
  var MAX_ROWS = 12;

  // amounts may come as decimal strings (the JSON of a Decimal): numbers for the axes
  function numbers(values) {
    return values.map(function (v) { return v === null ? null : Number(v); });
  }

  function colorOf(s, i) {
    return (s.color && (COLORS[s.color] || s.color)) || PALETTE[i % PALETTE.length];
  }

  function longLabels(labels) {
    if (labels.length > 8) { return true; }
    return labels.some(function (l) { return String(l).length > 6; });
  }

  function barOption(chart, stacked) {
    var horizontal = longLabels(chart.labels);
    var n = chart.labels.length;
    var category = {
      type: "category",
      data: chart.labels,
      inverse: horizontal,
      axisLabel: horizontal ? { width: 120, overflow: "truncate" } : { interval: 0, hideOverlap: true }
    };
    var value = { type: "value", minInterval: 1 };
    var zoom = horizontal && n > MAX_ROWS ? [
      { type: "slider", yAxisIndex: 0, startValue: 0, endValue: MAX_ROWS - 1, right: 6, width: 14,
        showDetail: false, brushSelect: false },
      { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true }
    ] : [];
    return {
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: zoom.length ? 36 : 16, top: 32, bottom: 8, containLabel: true },
      dataZoom: zoom,
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: chart.series.map(function (s, i) {
        return {
          name: s.name, type: "bar", data: numbers(s.data), stack: stacked ? "all" : undefined,
          barMaxWidth: 18, itemStyle: { color: colorOf(s, i) }
        };
      })
    };
  }

  function pieOption(chart) {
    var s = chart.series[0] || { data: [], name: "" };
    return {
      legend: { bottom: 0, type: "scroll" },
      series: [{
        name: s.name, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        label: { formatter: "{b}: {c}" },
        data: chart.labels.map(function (label, i) {
          var one = chart.series.length === 1 ? null : chart.series[i];
          var item = { name: label, value: Number(s.data[i]) };
          if (one && one.color) { item.itemStyle = { color: colorOf(one, i) }; }
          return item;
        })
      }]
    };
  }

  function lineOption(labels, series) {
    return {
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: labels, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s, i) {
        return {
          name: s.name, type: "line", data: numbers(s.data), symbolSize: 7,
          itemStyle: { color: colorOf(s, i) }, lineStyle: { color: colorOf(s, i) }
        };
      })
    };
  }

  function optionOf(chart) {
    if (chart.kind === "pie") { return pieOption(chart); }
    if (chart.kind === "line") { return lineOption(chart.labels, chart.series); }
    return barOption(chart, chart.kind === "stack");
  }

  function urlOf(series, params) {
    // a pie is one series whose points are its slices; every other kind: the series' point at the label
    var s = series[params.seriesIndex] || series[0];
    if (!s || !s.urls) { return null; }
    return s.urls[params.dataIndex] || null;
  }

  function draw(el, option, series) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    // drawn on the canvas: an HTML tooltip carries style="" attributes, which the CSP refuses
    option.tooltip = { trigger: "item", renderMode: "richText" };
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = urlOf(series, params);
      if (url) { window.location.assign(url); }
    });
    // a pointer over a segment that leads somewhere
    chart.on("mouseover", function (params) {
      el.style.cursor = urlOf(series, params) ? "pointer" : "default";
    });
    return chart;
  }

  function init() {
    document.querySelectorAll(".cockpit-autosubmit").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var node = document.getElementById("cockpit-data");
    if (!node || typeof echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var charts = [];
    data.sections.forEach(function (section) {
      section.charts.forEach(function (chart) {
        var el = document.getElementById("chart-" + section.key + "-" + chart.key);
        if (!el) { return; }
        if (chart.kind !== "pie" && longLabels(chart.labels)) {
          el.style.height = Math.max(220, 60 + Math.min(chart.labels.length, MAX_ROWS) * 34) + "px";
        }
        var pieSeries = chart.kind === "pie" ? chart.series.slice(0, 1) : chart.series;
        charts.push(draw(el, optionOf(chart), pieSeries));
      });
    });
    data.trends.forEach(function (trend) {
      var el = document.getElementById("chart-trends-" + trend.key);
      if (el && trend.series.length) {
        charts.push(draw(el, lineOption(data.months, trend.series), trend.series));
      }
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
