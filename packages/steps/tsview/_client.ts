/**
 * The page's script (served as `/app.js`): loads `/meta`, fetches a map's float32 row tiles
 * (a few at a time), draws them in a canvas through the server's 256-colour table, marks
 * the reference point, and on a click fetches `/point` and draws the series with
 * `tsviewChart`. For tests and timing it sets `body[data-state]` ("ready" after the first
 * map), `body[data-drawn]` (the map last drawn, `layer@date`), `body[data-point]` ("y,x"
 * of the series shown) and `window.tsview.timings`.
 * @module
 */
import { CHART_JS } from "./_client_chart.ts";
import { MAP_DRAW_JS } from "./_client_map.ts";

const MAP_JS = String.raw`
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var SCALE = { m: 1, cm: 100, mm: 1000 };
  var st = { meta: null, layer: null, date: 0, cmap: "jet", lut: null, lutReady: null, vmin: null, vmax: null,
    unit: "cm", data: null, token: 0, point: null, cache: new Map(), pointToken: 0 };
  var timings = { firstPaint: null, lastMap: null, mapParts: null, lastPoint: null };
  window.tsview = { state: st, timings: timings };

  function status(msg) { $("status").textContent = msg; }
  function fail(e) { document.body.dataset.error = String(e.message || e); status("error: " + (e.message || e)); }
  function get(path) {
    return fetch(path).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(path + ": " + t.trim()); });
      return r;
    });
  }
  /** Factor and unit of a layer's values for display (metres scaled to the chosen unit). */
  function display(layer) {
    var u = layer.unit || "";
    if (u === "m" || u.indexOf("m/") === 0) return { factor: SCALE[st.unit], unit: st.unit + u.slice(1) };
    return { factor: 1, unit: u };
  }
  function tsDisplay() { return display(st.meta.layers[0]); }

  function loadLut(name) {
    return get("lut?name=" + encodeURIComponent(name)).then(function (r) { return r.arrayBuffer(); })
      .then(function (b) { st.lut = new Uint8Array(b); st.cmap = name; });
  }

  /** Every tile of the current map, at most 4 requests in flight. */
  function loadData(token) {
    var m = st.meta, L = m.length, W = m.width, id = st.layer.id;
    var key = id + "@" + (st.layer.perDate ? st.date : "-");
    if (st.cache.has(key)) return Promise.resolve({ key: key, data: st.cache.get(key) });
    var data = new Float32Array(L * W), next = 0;
    var q = "tile?dataset=" + encodeURIComponent(id) + "&date=" + st.date + "&rows=";
    function worker() {
      if (next >= L || token !== st.token) return Promise.resolve();
      var r0 = next, n = Math.min(m.tileRows, L - r0);
      next += n;
      return get(q + n + "&row0=" + r0).then(function (r) { return r.arrayBuffer(); }).then(function (b) {
        data.set(new Float32Array(b), r0 * W);
        return worker();
      });
    }
    return Promise.all([worker(), worker(), worker(), worker()]).then(function () {
      if (token === st.token) {
        if (st.cache.size >= 16) st.cache.delete(st.cache.keys().next().value);
        st.cache.set(key, data);
      }
      return { key: key, data: data };
    });
  }

  /** 2nd and 98th percentiles (symmetric about 0 for a diverging map), display units. */
  function autoLimits() {
    var d = st.data, f = display(st.layer).factor, stride = Math.max(1, Math.floor(d.length / 100000));
    var s = new Float64Array(Math.ceil(d.length / stride)), n = 0;
    for (var i = 0; i < d.length; i += stride) if (isFinite(d[i])) s[n++] = d[i] * f;
    s = s.subarray(0, n).sort();
    var lo = s.length ? s[Math.floor(0.02 * (s.length - 1))] : -1, hi = s.length ? s[Math.ceil(0.98 * (s.length - 1))] : 1;
    var div = st.meta.colormaps.some(function (c) { return c.name === st.cmap && c.diverging; });
    if (div) { hi = Math.max(Math.abs(lo), Math.abs(hi)); lo = -hi; }
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    st.vmin = +lo.toPrecision(3); st.vmax = +hi.toPrecision(3);
  }

  function draw() {
    var m = st.meta, dv = display(st.layer);
    tsviewMap.paint($("map"), st.data, m.width, m.length, st.lut, st.vmin, st.vmax, dv.factor);
    fitMap();
    tsviewMap.colourbar($("cbarCanvas"), st.lut);
    $("cbarMin").textContent = String(st.vmin);
    $("cbarMax").textContent = String(st.vmax);
    $("cbarUnit").textContent = dv.unit;
    $("vmin").value = String(st.vmin); $("vmax").value = String(st.vmax);
    overlay();
  }

  function fitMap() { tsviewMap.fit($("map"), $("mapPane").clientWidth - 18, st.meta.width, st.meta.length); }
  function overlay() { tsviewMap.overlay($("overlay"), st.meta, st.point); }

  function showMap() {
    var token = ++st.token, t0 = performance.now();
    status("loading " + st.layer.label + (st.layer.perDate ? " " + st.meta.dates[st.date] : "") + " …");
    return Promise.all([loadData(token), st.lutReady]).then(function (all) {
      var res = all[0];
      if (token !== st.token) return;
      st.data = res.data;
      var t1 = performance.now();
      if (st.vmin === null) autoLimits();
      draw();
      timings.lastMap = performance.now() - t0;
      timings.mapParts = { fetch: t1 - t0, limitsAndDraw: performance.now() - t1 };
      if (timings.firstPaint === null) timings.firstPaint = performance.now();
      document.body.dataset.drawn = res.key;
      document.body.dataset.state = "ready";
      status(st.layer.label + (st.layer.perDate ? " " + st.meta.dates[st.date] : "") + ": " +
        timings.lastMap.toFixed(0) + " ms");
    }).catch(fail);
  }

  function showSeries() {
    var p = st.point;
    if (!p || !p.values) return;
    var d = st.meta.defaults, v = tsDisplay();
    var view = { factor: v.factor, unit: v.unit, date: st.date, ylim: d.ylim, zeroFirst: d.zeroFirst };
    tsviewChart.draw($("chart"), p, view);
    tsviewChart.table(document.querySelector("#values tbody"), p, view);
    $("valueHead").textContent = "displacement [" + v.unit + "]";
    var extra = Object.keys(p.layers).filter(function (k) { return k === "velocity" && p.layers[k] !== null; })
      .map(function (k) { var l = st.meta.layers.find(function (x) { return x.id === k; }), dv = display(l);
        return k + " = " + (p.layers[k] * dv.factor).toFixed(3) + " " + dv.unit; });
    $("pointTitle").textContent = "Y = " + p.y + ", X = " + p.x + (extra.length ? "; " + extra.join(", ") : "");
  }

  function pickPoint(y, x) {
    var token = ++st.pointToken, t0 = performance.now();
    st.point = { y: y, x: x };
    overlay();
    return get("point?y=" + y + "&x=" + x).then(function (r) { return r.json(); }).then(function (p) {
      if (token !== st.pointToken) return;
      st.point = p;
      showSeries();
      timings.lastPoint = performance.now() - t0;
      document.body.dataset.point = y + "," + x;
    }).catch(fail);
  }

  function pixelAt(e) {
    var c = $("map"), b = c.getBoundingClientRect();
    var x = Math.floor((e.clientX - b.left) / b.width * st.meta.width);
    var y = Math.floor((e.clientY - b.top) / b.height * st.meta.length);
    return x >= 0 && y >= 0 && x < st.meta.width && y < st.meta.length ? [y, x] : null;
  }

  function setDate(i) {
    st.date = i;
    $("date").value = String(i);
    $("dateLabel").textContent = st.meta.dates[i] + " (" + (i + 1) + "/" + st.meta.dates.length + ")";
  }

  function wire() {
    var timer = null;
    $("date").addEventListener("input", function () {
      setDate(+$("date").value);
      if (!st.layer.perDate) { st.layer = st.meta.layers[0]; $("layer").value = st.layer.id; st.vmin = null; }
      showSeries();
      clearTimeout(timer);
      timer = setTimeout(showMap, 40);
    });
    $("layer").addEventListener("change", function () {
      st.layer = st.meta.layers.find(function (l) { return l.id === $("layer").value; });
      st.vmin = null;
      showMap();
    });
    $("cmap").addEventListener("change", function () {
      st.lutReady = loadLut($("cmap").value);
      st.lutReady.then(draw).catch(fail);
    });
    $("unit").addEventListener("change", function () {
      var before = display(st.layer).factor;
      st.unit = $("unit").value;
      var k = display(st.layer).factor / before;
      st.vmin = +(st.vmin * k).toPrecision(3); st.vmax = +(st.vmax * k).toPrecision(3);
      draw(); showSeries();
    });
    var limits = function () {
      var a = parseFloat($("vmin").value), b = parseFloat($("vmax").value);
      if (a < b) { st.vmin = a; st.vmax = b; draw(); }
    };
    $("vmin").addEventListener("change", limits);
    $("vmax").addEventListener("change", limits);
    $("auto").addEventListener("click", function () { autoLimits(); draw(); });
    window.addEventListener("resize", function () { if (st.data) fitMap(); });
    $("map").addEventListener("click", function (e) { var p = pixelAt(e); if (p) pickPoint(p[0], p[1]); });
    // Left/right: previous/next date (as MintPy's tsview); shift + arrows: move the pixel by one.
    document.addEventListener("keydown", function (e) {
      var tag = e.target.tagName;
      if (tag === "INPUT" || tag === "SELECT") return;
      var d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
      if (!d) return;
      e.preventDefault();
      if (e.shiftKey && st.point) {
        pickPoint(Math.min(st.meta.length - 1, Math.max(0, st.point.y + d[0])),
          Math.min(st.meta.width - 1, Math.max(0, st.point.x + d[1])));
      } else if (!e.shiftKey && d[1]) {
        var n = Math.min(st.meta.dates.length - 1, Math.max(0, st.date + d[1]));
        $("date").value = String(n);
        $("date").dispatchEvent(new Event("input"));
      }
    });
    $("map").addEventListener("mousemove", function (e) {
      var p = pixelAt(e);
      if (!p || !st.data) return;
      var v = st.data[p[0] * st.meta.width + p[1]], dv = display(st.layer);
      status("y=" + p[0] + " x=" + p[1] + ": " + (isFinite(v) ? (v * dv.factor).toFixed(3) + " " + dv.unit : "nan"));
    });
  }

  get("meta").then(function (r) { return r.json(); }).then(function (m) {
    st.meta = m;
    var d = m.defaults;
    st.unit = d.unit;
    $("file").textContent = m.file + " (" + m.length + " x " + m.width + ", " + m.dates.length + " dates)";
    $("layer").innerHTML = m.layers.map(function (l) { return "<option value=\"" + l.id + "\">" + l.label + "</option>"; }).join("");
    $("cmap").innerHTML = m.colormaps.map(function (c) { return "<option>" + c.name + "</option>"; }).join("");
    $("cmap").value = d.colormap; $("unit").value = d.unit;
    $("date").max = String(m.dates.length - 1);
    setDate(d.date);
    st.layer = m.layers.find(function (l) { return l.id === "velocity"; }) || m.layers[0];
    $("layer").value = st.layer.id;
    if (d.vlim) { st.vmin = d.vlim[0]; st.vmax = d.vlim[1]; }
    wire();
    st.lutReady = loadLut(d.colormap);
    return showMap().then(function () { if (d.yx) return pickPoint(d.yx[0], d.yx[1]); });
  }).catch(fail);
})();
`;

/** The page's whole script: the chart, the map drawing, then the page's state and controls. */
export const CLIENT_JS = CHART_JS + MAP_DRAW_JS + MAP_JS;
