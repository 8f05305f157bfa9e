/*
 * Dashboards: charts drawn by Apache ECharts from the page's JSON (#chart-data), sortable
 * tables, and forms that submit when their select changes. No inline scripts or styles:
 * tooltips use ECharts' rich-text mode, so the page runs under a strict CSP.
 */
(function () {
  "use strict";

  var PALETTE = ["#c8102e", "#2f6fb0", "#e2a03f", "#3a9a6a", "#7d5ba6", "#4bb3c4", "#8c8c8c",
    "#d66b8c", "#a0a83a", "#5b6b7d"];
  var MUTED = "#d5d9df";

  document.documentElement.classList.add("js");

  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  /* Tables: click a column's header button to sort by it; again to reverse. */
  function sortable(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      var button = th.querySelector("button");
      if (!button) {
        return;
      }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortRows(table, index, th.dataset.sort === "number", ascending);
      });
    });
  }

  function sortRows(table, index, numeric, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var key = function (row) {
      var value = row.cells[index].dataset.sortValue || row.cells[index].textContent.trim();
      return numeric ? parseFloat(value) : value;
    };
    rows.sort(function (a, b) {
      var x = key(a);
      var y = key(b);
      var order = numeric ? x - y : String(x).localeCompare(String(y), "zh-Hans-CN");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  /* Charts */

  function locale() {
    return (document.documentElement.lang || "zh-hans").indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function money(value) {
    return "¥" + Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  /* "1" → "1月" or "Jan", in the page's language. */
  function monthName(month) {
    var format = new Intl.DateTimeFormat(document.documentElement.lang || "zh-Hans", {
      month: "short"
    });
    return format.format(new Date(2000, Number(month) - 1, 1));
  }

  function compact(value) {
    return Number(value).toLocaleString(undefined, { notation: "compact" });
  }

  function base(extra) {
    var option = {
      color: PALETTE,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 36, bottom: 8 },
      legend: { top: 0 }
    };
    return Object.assign(option, extra);
  }

  function categoryAxis(names) {
    return {
      type: "category",
      data: names,
      axisLabel: { interval: 0, rotate: names.length > 6 ? 40 : 0, hideOverlap: true },
      axisTick: { alignWithLabel: true }
    };
  }

  var builders = {
    coverage: function (data) {
      if (!data.names.length) {
        return null;
      }
      /* Horizontal bars: Chinese region names stay readable, first region on top. */
      return base({
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { interval: 0 } },
        series: [
          { name: data.series[0], type: "bar", stack: "units", data: data.covered, barMaxWidth: 24 },
          {
            name: data.series[1], type: "bar", stack: "units", data: data.uncovered,
            barMaxWidth: 24, itemStyle: { color: MUTED }
          }
        ]
      });
    },
    kinds: function (data) {
      if (!data.items.length) {
        return null;
      }
      return base({
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { type: "scroll", bottom: 0 },
        series: [{
          name: data.series,
          type: "pie",
          radius: ["42%", "68%"],
          center: ["50%", "46%"],
          avoidLabelOverlap: true,
          label: { formatter: "{b}\n{c}" },
          data: data.items
        }]
      });
    },
    campaigns: function (data) {
      if (!data.names.length) {
        return null;
      }
      return base({
        legend: { show: false },
        tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: money },
        xAxis: categoryAxis(data.names),
        yAxis: { type: "value", axisLabel: { formatter: compact } },
        series: [{ name: data.series, type: "bar", data: data.values, barMaxWidth: 48 }]
      });
    },
    months: function (data) {
      var nonzero = function (value) {
        return value !== 0;
      };
      if (!data.cash.some(nonzero) && !data.in_kind.some(nonzero)) {
        return null;
      }
      return base({
        tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: money },
        xAxis: { type: "category", data: data.names.map(monthName), boundaryGap: false },
        yAxis: { type: "value", axisLabel: { formatter: compact } },
        series: [
          { name: data.series[0], type: "line", areaStyle: { opacity: 0.12 }, data: data.cash },
          { name: data.series[1], type: "line", data: data.in_kind }
        ]
      });
    },
    ranking: function (data) {
      if (!data.names.length) {
        return null;
      }
      return base({
        legend: { show: false },
        tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: money },
        xAxis: { type: "value", axisLabel: { formatter: compact } },
        yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { interval: 0 } },
        series: [{
          name: data.series,
          type: "bar",
          data: data.values,
          barMaxWidth: 28,
          label: { show: true, position: "right", formatter: function (p) { return compact(p.value); } }
        }]
      });
    }
  };

  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var name = element.dataset.chart;
      var option = builders[name] && builders[name](data[name]);
      if (!option) {
        /* The page leaves out a chart with nothing to draw; should one slip through, it goes
           too, rather than stand empty beside figures that say otherwise. */
        (element.closest(".panel") || element).remove();
        return;
      }
      var chart = window.echarts.init(element, null, { renderer: "canvas", locale: locale() });
      chart.setOption(option);
      charts.push(chart);
    });
    var resize = function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    };
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(resize);
      document.querySelectorAll("[data-chart]").forEach(function (element) {
        observer.observe(element);
      });
    } else {
      window.addEventListener("resize", resize);
    }
  }

  autosubmit();
  document.querySelectorAll("table[data-sortable]").forEach(sortable);
  drawCharts();
})();
