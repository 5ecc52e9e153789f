/**
 * The viewer page's HTML and CSS (served as `/` and `/app.css`; no external resource: the
 * machine it runs on may have no internet).
 * @module
 */

/** The page. `body[data-state]` is "loading", then "ready" once a map is drawn. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>vinsar tsview</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="app.css">
</head>
<body data-state="loading">
<header><h1>vinsar tsview</h1><span id="file"></span></header>
<main>
<section id="mapPane">
  <div class="controls">
    <label>Map <select id="layer"></select></label>
    <label>Colormap <select id="cmap"></select></label>
    <label>Unit <select id="unit"><option>m</option><option>cm</option><option>mm</option></select></label>
  </div>
  <div class="controls">
    <label class="wide">Date <input id="date" type="range" min="0" step="1" value="0">
      <output id="dateLabel"></output></label>
  </div>
  <div class="controls">
    <label>vmin <input id="vmin" type="number" step="any"></label>
    <label>vmax <input id="vmax" type="number" step="any"></label>
    <button id="auto" type="button">Auto</button>
  </div>
  <div id="mapBox"><canvas id="map"></canvas><svg id="overlay"></svg></div>
  <div id="cbar"><span id="cbarMin"></span><canvas id="cbarCanvas" width="256" height="1"></canvas>
    <span id="cbarMax"></span><span id="cbarUnit"></span></div>
  <div id="status">loading…</div>
</section>
<section id="seriesPane">
  <h2 id="pointTitle">Click a pixel to see its time-series</h2>
  <svg id="chart" viewBox="0 0 600 320" role="img" aria-label="time-series"></svg>
  <div id="tableBox"><table id="values">
    <thead><tr><th>#</th><th>date</th><th id="valueHead">displacement</th><th id="modelHead">model</th></tr></thead>
    <tbody></tbody>
  </table></div>
</section>
</main>
<script src="app.js"></script>
</body>
</html>
`;

/** The page's style. */
export const PAGE_CSS = `
body { margin: 0; font: 13px/1.35 "DejaVu Sans", Arial, sans-serif; color: #222; background: #fafafa; }
header { display: flex; gap: 1em; align-items: baseline; padding: 6px 12px; background: #234; color: #fff; }
header h1 { font-size: 16px; margin: 0; }
main { display: flex; flex-wrap: wrap; gap: 12px; padding: 10px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 8px; }
#mapPane { flex: 0 1 640px; min-width: 320px; }
#seriesPane { flex: 1 1 560px; min-width: 420px; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 6px; align-items: center; }
.controls label.wide { flex: 1; display: flex; gap: 6px; align-items: center; }
.controls input[type=range] { flex: 1; }
.controls input[type=number] { width: 7em; }
#mapBox { position: relative; display: inline-block; background: #eee; line-height: 0; }
#map { display: block; image-rendering: pixelated; cursor: crosshair; }
#overlay { position: absolute; left: 0; top: 0; width: 100%; height: 100%; pointer-events: none; }
#cbar { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
#cbarCanvas { flex: 1 1 0; width: 0; min-width: 0; height: 14px; border: 1px solid #888; image-rendering: pixelated; }
#status { margin-top: 6px; color: #555; min-height: 1.4em; font-family: "DejaVu Sans Mono", monospace; }
#pointTitle { font-size: 14px; margin: 0 0 4px; }
#chart { width: 100%; height: auto; background: #fff; }
#chart text { font-size: 11px; fill: #333; }
#tableBox { max-height: 260px; overflow-y: auto; border-top: 1px solid #ddd; margin-top: 6px; }
#values { border-collapse: collapse; width: 100%; font-family: "DejaVu Sans Mono", monospace; }
#values th, #values td { padding: 1px 8px; text-align: right; border-bottom: 1px solid #f0f0f0; }
#values tr.current { background: #fff3c4; }
`;
