/**
 * The page's map drawing, as browser JavaScript text defining `tsviewMap`: paint float32
 * values through a 256-colour table into a canvas (matplotlib's lookup: index
 * `floor(t * 256)` clipped, t = (v - vmin) / (vmax - vmin); NaN transparent), paint the
 * colour bar, size the canvas to its pane, and draw the reference-point and selected-pixel
 * markers in the SVG overlay. Written without template literals so it can sit in a
 * TypeScript string.
 * @module
 */

/** Browser script defining `tsviewMap`. */
export const MAP_DRAW_JS = String.raw`
var tsviewMap = (function () {
  "use strict";

  /** Paint data (length W * L, scaled by factor) into canvas c with lut between vmin and vmax. */
  function paint(c, data, W, L, lut, vmin, vmax, factor) {
    if (c.width !== W) c.width = W;
    if (c.height !== L) c.height = L;
    var g = c.getContext("2d"), img = g.createImageData(W, L), px = img.data;
    var k = 256 / (vmax - vmin);
    for (var i = 0; i < data.length; i++) {
      var v = data[i];
      if (!isFinite(v)) continue;
      var j = Math.floor((v * factor - vmin) * k);
      j = 3 * (j < 0 ? 0 : j > 255 ? 255 : j);
      var o = 4 * i;
      px[o] = lut[j]; px[o + 1] = lut[j + 1]; px[o + 2] = lut[j + 2]; px[o + 3] = 255;
    }
    g.putImageData(img, 0, 0);
  }

  function colourbar(c, lut) {
    var g = c.getContext("2d"), bar = g.createImageData(256, 1);
    for (var t = 0; t < 256; t++) bar.data.set([lut[3 * t], lut[3 * t + 1], lut[3 * t + 2], 255], 4 * t);
    g.putImageData(bar, 0, 0);
  }

  /** Size canvas c to width room and 72% of the window's height, keeping the aspect. */
  function fit(c, room, W, L) {
    var k = Math.min(room / W, 0.72 * window.innerHeight / L);
    c.style.width = (W * k).toFixed(1) + "px";
    c.style.height = (L * k).toFixed(1) + "px";
  }

  /** Markers in svg (viewBox = pixels): the reference point (square) and the point (circle). */
  function overlay(svg, m, point) {
    var r = Math.max(1.5, m.width / 80), keep = " vector-effect=\"non-scaling-stroke\"";
    svg.setAttribute("viewBox", "0 0 " + m.width + " " + m.length);
    svg.setAttribute("preserveAspectRatio", "none");
    var h = "";
    if (m.refY !== null && m.refX !== null) {
      h += "<rect id=\"refMarker\" x=\"" + (m.refX + 0.5 - r) + "\" y=\"" + (m.refY + 0.5 - r) +
        "\" width=\"" + 2 * r + "\" height=\"" + 2 * r + "\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"1.5\"" + keep + "/>";
    }
    if (point) {
      var at = " cx=\"" + (point.x + 0.5) + "\" cy=\"" + (point.y + 0.5) + "\" r=\"" + 1.6 * r + "\" fill=\"none\"";
      h += "<g id=\"pointMarker\"><circle" + at + " stroke=\"#fff\" stroke-width=\"2.5\"" + keep + "/>" +
        "<circle" + at + " stroke=\"#d62728\" stroke-width=\"1.5\"" + keep + "/></g>";
    }
    svg.innerHTML = h;
  }

  return { paint: paint, colourbar: colourbar, fit: fit, overlay: overlay };
})();
`;
