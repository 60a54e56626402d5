// The control center's big screen: draws the charts with ECharts (served from this origin) and
// re-reads the figures every data-refresh seconds from data-src. Clicking a bar or a point opens
// the problems behind it. No inline script: everything comes from the board's data attributes.
// The board says where it is in data-state: "loading" while it fetches, "idle" once the figures
// it shows are the fetched ones, "stale" when the last fetch failed. A tile's text is touched only
// when its figure changed, so that reading it never races a redraw of the same value.
(function () {
  "use strict";

  var root = document.getElementById("board");
  if (!root || typeof echarts === "undefined") return;
  var labels = {};
  try { labels = JSON.parse(root.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
  var src = root.getAttribute("data-src");
  var refresh = parseInt(root.getAttribute("data-refresh"), 10) || 60;
  var tz = root.getAttribute("data-tz") || "UTC";
  var charts = {};
  var text = { color: "#e6edf7", fontSize: 16 };

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    if (!charts[id]) {
      charts[id] = echarts.init(el, "dark", { renderer: "canvas" });
      charts[id].on("click", function (p) {
        if (p.data && p.data.href) window.location.href = p.data.href;
      });
    }
    return charts[id];
  }

  function base(categories) {
    return {
      backgroundColor: "transparent",
      textStyle: text,
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 40, bottom: 40 },
      xAxis: { type: "category", data: categories, axisLabel: { fontSize: 14 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 14 } }
    };
  }

  function setField(name, value) {
    var el = root.querySelector('[data-field="' + name + '"]');
    var v = value === undefined || value === null ? "" : String(value);
    if (el && el.textContent !== v) el.textContent = v;
  }

  function render(b) {
    var depts = b.departments || [];
    var c = chart("chart-departments");
    if (c) {
      var o = base(depts.map(function (d) { return d.name; }));
      o.legend = { data: [labels.not_overdue, labels.overdue], textStyle: text };
      o.series = [
        { name: labels.not_overdue, type: "bar", stack: "open",
          data: depts.map(function (d) { return { value: d.open - d.overdue, href: d.open_href }; }) },
        { name: labels.overdue, type: "bar", stack: "open", itemStyle: { color: "#f0554a" },
          data: depts.map(function (d) { return { value: d.overdue, href: d.overdue_href }; }) }
      ];
      c.setOption(o, true);
    }
    c = chart("chart-trend");
    if (c) {
      var trend = b.trend || [];
      var t = base(trend.map(function (r) { return r.key.slice(5); }));
      t.yAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", fontSize: 14 } };
      t.series = [{ name: labels.rate, type: "line", connectNulls: false, symbolSize: 10,
        data: trend.map(function (r) { return { value: r.value, href: r.href }; }) }];
      c.setOption(t, true);
    }
    c = chart("chart-escalations");
    if (c) {
      var esc = b.escalations || [];
      var e = base(esc.map(function (x) { return x.key.slice(5); }));
      e.series = [{ name: labels.escalations, type: "bar", itemStyle: { color: "#f5a524" },
        data: esc.map(function (x) { return { value: x.n, href: x.href }; }) }];
      c.setOption(e, true);
    }
    c = chart("chart-ages");
    if (c) {
      var ages = b.ages || [];
      var a = base(ages.map(function (x) { return labels["age." + x.key] || x.key; }));
      a.series = [{ name: labels.open, type: "bar",
        data: ages.map(function (x) { return { value: x.n, href: x.href }; }) }];
      c.setOption(a, true);
    }
    setField("open", b.open);
    setField("overdue", b.overdue);
    setField("month", b.month && b.month.center ? b.month.center.rate : labels.no_rate);
    setField("quarter", b.quarter && b.quarter.center ? b.quarter.center.rate : labels.no_rate);
    setField("escalations", b.escalations_total);
    var at = document.getElementById("board-at");
    if (at && b.at) {
      at.setAttribute("datetime", b.at);
      at.textContent = stamp(new Date(b.at));
    }
  }

  // stamp writes a time as the server does, "2006-01-02 15:04", in the policy's timezone.
  function stamp(d) {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", { timeZone: tz, hour12: false, year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + (parts.hour === "24" ? "00" : parts.hour) + ":" + parts.minute;
  }

  // The tiles and charts follow every refresh; the tables below them are redrawn by reloading
  // the page every tenth refresh.
  var loads = 0;
  function load() {
    loads++;
    if (loads > 10) {
      window.location.reload();
      return;
    }
    root.setAttribute("data-state", "loading");
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (b) {
        render(b);
        root.classList.remove("is-stale");
        root.setAttribute("data-state", "idle");
      })
      .catch(function () {
        root.classList.add("is-stale");
        root.setAttribute("data-state", "stale");
      })
      .then(function () { window.setTimeout(load, refresh * 1000); });
  }

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  load();
})();
