/**
 * The grid of a multi-panel map figure as MintPy's `view.py` lays it out: a 15 x 8 inch
 * figure, rows and columns chosen by the image's aspect, panels spaced by matplotlib's tight
 * layout (room for the panel titles) up to 93 % of the width, each keeping the image's
 * aspect in its cell, and a thin colour bar at 94 % of the width, 40 % of the height tall.
 * @module
 */

/** A rectangle in pixels, origin at the figure's top left. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** MintPy's figure size of a multi-panel view, inches. */
const FIG_W = 15, FIG_H = 8;

/**
 * Rows and columns for `n` panels of `dataShape` (rows, columns) in a figure of `figSize`
 * (width, height): MintPy's `auto_row_col_num`, growing the dimension that rounds down more.
 */
export function autoRowCol(
  n: number,
  dataShape: readonly [number, number],
  figSize: readonly [number, number],
): [number, number] {
  const numRatio = figSize[1] / figSize[0] / (dataShape[0] / dataShape[1]);
  let rows = Math.max(Math.sqrt(n * numRatio), 1), cols = Math.max(Math.sqrt(n / numRatio), 1);
  if (rows === 1) cols = n;
  else if (cols === 1) rows = n;
  // numpy's rint rounds halves to even.
  const rint = (v: number) => (v % 1 === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
  while (rint(rows) * rint(cols) < n) {
    if (rows % 1 > cols % 1) rows += 0.5;
    else cols += 0.5;
  }
  return [rint(rows), rint(cols)];
}

/** Where the `n` panels of aspect `aspect` (length / width) and the colour bar go (px). */
export function gridCells(
  n: number,
  aspect: number,
  dpi: number,
): { cells: Box[]; colorbar: Box; fontPt: number; rows: number; cols: number } {
  const [rows, cols] = autoRowCol(n, [aspect * 1.1, 1], [FIG_W * 0.95, FIG_H]);
  const W = FIG_W * dpi, H = FIG_H * dpi;
  const fontPt = rows * cols > 50 ? 8 : 12;
  // matplotlib's tight layout: 1.08 font sizes round the edges and between panels, plus
  // each row's title (its height and 6 pt); then the right edge moved to 93 % for the bar.
  const pad = 1.08 * fontPt / 72 * dpi, head = (1.2 * fontPt + 6) / 72 * dpi;
  const left = pad, right = 0.93 * W, top = pad + head, bottom = H - pad;
  const wGap = pad, hGap = pad + head;
  const cw = (right - left - (cols - 1) * wGap) / cols;
  const ch = (bottom - top - (rows - 1) * hGap) / rows;
  const pw = Math.min(cw, ch / aspect), ph = pw * aspect;
  const cells: Box[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % cols, r = Math.floor(i / cols);
    cells.push({
      x: left + c * (cw + wGap) + (cw - pw) / 2,
      y: top + r * (ch + hGap) + (ch - ph) / 2,
      w: pw,
      h: ph,
    });
  }
  const cbLen = 0.4; // MintPy halves it only in figures over 8 inches tall.
  const colorbar = { x: 0.94 * W, y: (1 - cbLen) / 2 * H, w: 0.005 * W, h: cbLen * H };
  return { cells, colorbar, fontPt, rows, cols };
}
