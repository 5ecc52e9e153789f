/**
 * The page's time-series chart (an SVG drawn in the browser) and its value table, as
 * browser JavaScript text: `tsviewChart.draw(svg, point, view)` and
 * `tsviewChart.table(tbody, point, view)`. Written without template literals so it can sit
 * in a TypeScript string.
 * @module
 */

/** Browser script defining `tsviewChart`. */
export const CHART_JS = String.raw`
var tsviewChart = (function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 600, H = 320, M = { l: 62, r: 14, t: 12, b: 40 };

  function el(parent, name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }

  /** Ticks at 1, 2 or 5 times a power of ten covering [lo, hi]. */
  function niceTicks(lo, hi, count) {
    var span = hi - lo, raw = span / Math.max(1, count), p = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * p; }).find(function (s) { return s >= raw; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
    return out;
  }

  /** Date ticks on decimal years: months, quarters, halves or years. */
  function yearTicks(lo, hi) {
    var steps = [1 / 12, 0.25, 0.5, 1, 2, 5, 10], step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) if ((hi - lo) / steps[i] <= 7) { step = steps[i]; break; }
    var out = [];
    var first = Math.ceil(lo / step - 1e-9) * step;
    for (var v = first; v <= hi + 1e-9; v += step) {
      var y = Math.floor(v + 1e-9), m = Math.round((v - y) * 12);
      out.push({ t: v, label: step >= 1 ? String(y) : y + "-" + String(m + 1).padStart(2, "0") });
    }
    return out;
  }

  function extent(arrays) {
    var lo = Infinity, hi = -Infinity;
    arrays.forEach(function (a) {
      a.forEach(function (v) { if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    });
    if (!isFinite(lo)) { lo = -1; hi = 1; }
    if (lo === hi) { lo -= 1; hi += 1; }
    var pad = 0.06 * (hi - lo);
    return [lo - pad, hi + pad];
  }

  /**
   * Draw point p ({years, values, dates, model}) in svg; view: {factor, unit, date, y, x}.
   * Values are scaled by view.factor into view.unit.
   */
  function draw(svg, p, view) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var f = view.factor, z = view.zeroFirst && p.values[0] !== null ? p.values[0] : 0;
    var scale = function (v) { return v === null ? null : (v - z) * f; };
    var vals = p.values.map(scale);
    var model = p.model ? p.model.values.map(scale) : [];
    var t0 = p.years[0], t1 = p.years[p.years.length - 1], tp = 0.02 * (t1 - t0 || 1);
    var xs = [t0 - tp, t1 + tp], ys = view.ylim || extent([vals, model]);
    var sx = function (t) { return M.l + (t - xs[0]) / (xs[1] - xs[0]) * (W - M.l - M.r); };
    var sy = function (v) { return H - M.b - (v - ys[0]) / (ys[1] - ys[0]) * (H - M.t - M.b); };
    var g = el(svg, "g", {});
    el(g, "rect", { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, fill: "none", stroke: "#888" });
    niceTicks(ys[0], ys[1], 6).forEach(function (v) {
      el(g, "line", { x1: M.l, x2: W - M.r, y1: sy(v), y2: sy(v), stroke: "#eee" });
      el(g, "text", { x: M.l - 5, y: sy(v) + 4, "text-anchor": "end" }, String(v));
    });
    yearTicks(xs[0], xs[1]).forEach(function (tk) {
      el(g, "line", { x1: sx(tk.t), x2: sx(tk.t), y1: M.t, y2: H - M.b, stroke: "#eee" });
      el(g, "text", { x: sx(tk.t), y: H - M.b + 15, "text-anchor": "middle" }, tk.label);
    });
    if (ys[0] < 0 && ys[1] > 0) el(g, "line", { x1: M.l, x2: W - M.r, y1: sy(0), y2: sy(0), stroke: "#999" });
    el(g, "text", { x: 14, y: (H - M.b + M.t) / 2, transform: "rotate(-90 14 " + (H - M.b + M.t) / 2 + ")",
      "text-anchor": "middle" }, "displacement [" + view.unit + "]");
    if (view.date !== null && p.years[view.date] !== undefined) {
      var xd = sx(p.years[view.date]);
      el(g, "line", { x1: xd, x2: xd, y1: M.t, y2: H - M.b, stroke: "#e0a000", "stroke-dasharray": "4 3", id: "dateLine" });
    }
    if (model.length) {
      var pts = [];
      model.forEach(function (v, i) { if (v !== null) pts.push(sx(p.model.years[i]).toFixed(2) + "," + sy(v).toFixed(2)); });
      el(g, "polyline", { points: pts.join(" "), fill: "none", stroke: "#d62728", "stroke-width": 1.8, id: "modelLine" });
    }
    var dots = el(g, "g", { id: "dataPoints", fill: "#1f77b4" });
    vals.forEach(function (v, i) {
      if (v !== null) el(dots, "circle", { cx: sx(p.years[i]).toFixed(2), cy: sy(v).toFixed(2), r: 3 });
    });
    var lg = el(g, "g", {});
    el(lg, "circle", { cx: M.l + 14, cy: M.t + 12, r: 3, fill: "#1f77b4" });
    el(lg, "text", { x: M.l + 22, y: M.t + 16 }, "data");
    if (model.length) {
      el(lg, "line", { x1: M.l + 60, x2: M.l + 78, y1: M.t + 12, y2: M.t + 12, stroke: "#d62728", "stroke-width": 1.8 });
      el(lg, "text", { x: M.l + 82, y: M.t + 16 }, "model (" + p.model.source + ")");
    }
  }

  /** Fill the table: one row per date with the value (data-m: metres, full precision). */
  function table(tbody, p, view) {
    var rows = [];
    var atDate = p.model ? p.model.atDates : [];
    var z = view.zeroFirst && p.values[0] !== null ? p.values[0] : 0;
    p.values.forEach(function (v, i) {
      var cls = i === view.date ? " class=\"current\"" : "";
      var shown = v === null ? "nan" : ((v - z) * view.factor).toFixed(4);
      var m = atDate[i];
      var model = m === undefined || m === null ? "" : ((m - z) * view.factor).toFixed(4);
      rows.push("<tr" + cls + "><td>" + i + "</td><td>" + p.dates[i] + "</td><td class=\"v\" data-m=\"" +
        (v === null ? "nan" : String(v)) + "\">" + shown + "</td><td class=\"m\">" + model + "</td></tr>");
    });
    tbody.innerHTML = rows.join("");
  }

  return { draw: draw, table: table, niceTicks: niceTicks };
})();
`;
