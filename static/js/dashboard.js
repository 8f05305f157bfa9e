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
  /* The printable width of an A4 portrait sheet in CSS pixels: 210 mm less 2 × 12 mm. */
  var PRINT_WIDTH = 703;

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

  /* ¥1,000.00 and −¥666.00 (U+2212 before the ¥), as core.money.yuan writes amounts. */
  function money(value) {
    var amount = Number(value);
    var digits = Math.abs(amount).toLocaleString("en-US", {
      minimumFractionDigits: 2, maximumFractionDigits: 2
    });
    return (amount < 0 ? "\u2212" : "") + "¥" + digits;
  }

  /* A phone-wide chart: the donut's legend and labels make room for each other. */
  function narrow(element) {
    return element.clientWidth < 480;
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
      if (data.complete) {
        /* Every unit covered: full bars would all look alike, so the bars are the counts
           of covered units, each labelled. */
        return base({
          legend: { show: false },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { interval: 0 } },
          series: [{
            name: data.units, type: "bar", data: data.covered, barMaxWidth: 24,
            label: { show: true, position: "right" }
          }]
        });
      }
      /* Horizontal bars: Chinese region names stay readable, first region on top; each bar
         ends with its covered/units count. */
      var counted = function (params) {
        var index = params.dataIndex;
        return data.covered[index] + "/" + (data.covered[index] + data.uncovered[index]);
      };
      return base({
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { interval: 0 } },
        series: [
          { name: data.series[0], type: "bar", stack: "units", data: data.covered, barMaxWidth: 24 },
          {
            name: data.series[1], type: "bar", stack: "units", data: data.uncovered,
            barMaxWidth: 24, itemStyle: { color: MUTED },
            label: { show: true, position: "right", formatter: counted }
          }
        ]
      });
    },
    kinds: function (data, element) {
      if (!data.items.length) {
        return null;
      }
      var phone = narrow(element);
      var counts = {};
      data.items.forEach(function (item) {
        counts[item.name] = item.value;
      });
      /* On a phone the legend wraps below the donut and carries the counts; the slices'
         labels would crowd it out. */
      return base({
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: phone ? {
          type: "plain", bottom: 0, left: "center", itemWidth: 10, itemHeight: 10,
          itemGap: 8, textStyle: { fontSize: 11 },
          formatter: function (name) { return name + " " + counts[name]; }
        } : { type: "scroll", bottom: 0 },
        series: [{
          name: data.series,
          type: "pie",
          radius: phone ? ["26%", "44%"] : ["42%", "68%"],
          center: phone ? ["50%", "32%"] : ["50%", "46%"],
          avoidLabelOverlap: true,
          label: { show: !phone, formatter: "{b}\n{c}" },
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
        /* Each bar says its amount: 其他 or a small campaign beside a large one stays legible. */
        series: [{
          name: data.series, type: "bar", data: data.values, barMaxWidth: 48,
          label: { show: true, position: "top", formatter: function (p) { return compact(p.value); } }
        }]
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
    /* Five years of two figures: the first as bars on the left axis, the second as a line on
       the right (money raised and service hours; members and the share of township-level
       units covered, in percent, its tooltip with the units covered and counted). */
    trend: function (data) {
      if (!data.values.some(function (values) { return values.some(function (v) { return v !== 0; }); })) {
        return null;
      }
      var formatter = function (kind, units) {
        if (kind === "money") {
          return money;
        }
        if (kind === "percent") {
          return function (value, dataIndex) {
            var unit = units && units[dataIndex];
            return (unit ? unit[0] + "/" + unit[1] + " " : "") + value + "%";
          };
        }
        return function (value) { return Number(value).toLocaleString(); };
      };
      return base({
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
        xAxis: categoryAxis(data.names),
        yAxis: data.kinds.map(function (kind, index) {
          return {
            type: "value", position: index === 0 ? "left" : "right", splitLine: { show: index === 0 },
            max: kind === "percent" ? 100 : null, minInterval: kind === "count" ? 1 : null,
            axisLabel: { formatter: kind === "percent" ? "{value}%" : compact }
          };
        }),
        series: data.values.map(function (values, index) {
          return {
            name: data.series[index], type: index === 0 ? "bar" : "line", yAxisIndex: index,
            data: values, barMaxWidth: 40, symbolSize: 8,
            tooltip: { valueFormatter: formatter(data.kinds[index], data.units && data.units[index]) }
          };
        })
      });
    },
    reach: function (data, element) {
      return builders.trend(data, element);
    },
    /* 资金去向: the sources and the uses of the money, each a stacked bar of its parts. */
    flow: function (data) {
      return base({
        tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" }, valueFormatter: money },
        grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
        xAxis: { type: "value", axisLabel: { formatter: compact } },
        yAxis: { type: "category", data: data.names },
        series: data.series.map(function (series) {
          return { name: series.name, type: "bar", stack: "flow", data: series.values, barMaxWidth: 40 };
        })
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
      var option = builders[name] && builders[name](data[name], element);
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
    /* Paper: redraw at the width of an A4 sheet inside its margins (portal.css, @page),
       then back at the window's size. */
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (chart) {
        chart.resize({ width: PRINT_WIDTH });
      });
    });
    window.addEventListener("afterprint", resize);
  }

  autosubmit();
  document.querySelectorAll("table[data-sortable]").forEach(sortable);
  drawCharts();
})();
