/**
 * Reading the images `view` shows, in row blocks: every `step`-th row and column kept (so a
 * large map costs memory of its displayed size, not its file size), scaled to the display
 * unit, masked, optionally wrapped; the data range and a few distinct values gathered on
 * the way for the colour limits.
 * @module
 */
import type { H5Reader, MaskRows } from "@vinsar/hdf5";
import type { ViewItem } from "./_datasets.ts";

/** Bytes read per block. */
const BLOCK_BYTES = 16 * 2 ** 20;

/** How values are turned into displayed values. */
export interface ReadSettings {
  length: number;
  width: number;
  /** Keep every `step`-th row and column. */
  step: number;
  /** Factor from the file's unit to the display unit. */
  scale: number;
  /** Wrap into `[lo, hi)` after scaling. */
  wrap: readonly [number, number] | null;
  /** Pixels where the mask is 0 become no data. */
  mask: MaskRows | null;
  /** Zero values become no data (MintPy's `--zero-mask`). */
  zeroMask: boolean;
}

/** A decimated image and what was seen in it. */
export interface ReadPanel {
  values: Float32Array;
  rows: number;
  cols: number;
}

/** Data range and up to 21 distinct values seen over all panels (for discrete data). */
export class ValueStats {
  min = Infinity;
  max = -Infinity;
  distinct: Set<number> | null = new Set();

  add(v: number): void {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (this.distinct && !this.distinct.has(v)) {
      this.distinct.add(v);
      if (this.distinct.size > 21) this.distinct = null;
    }
  }
}

/** Read one image, decimated, through `settings`; values gathered into `stats`. */
export function readPanel(
  reader: H5Reader,
  item: ViewItem,
  s: ReadSettings,
  stats: ValueStats,
): ReadPanel {
  const { length: L, width: W, step } = s;
  const rows = Math.ceil(L / step), cols = Math.ceil(W / step);
  const values = new Float32Array(rows * cols);
  const blockRows = Math.max(step, Math.floor(BLOCK_BYTES / (8 * W) / step) * step);
  const [wlo, whi] = s.wrap ?? [0, 0];
  for (let r0 = 0; r0 < L; r0 += blockRows) {
    const r1 = Math.min(L, r0 + blockRows);
    const ranges: Array<[number, number]> = item.layer === null
      ? [[r0, r1], [0, W]]
      : [[item.layer, item.layer + 1], [r0, r1], [0, W]];
    const block = reader.read(item.name, ranges);
    const mask = s.mask?.rows(r0, r1) ?? null;
    for (let r = r0; r < r1; r += step) {
      const out = (r / step) * cols, at = (r - r0) * W;
      for (let c = 0, k = 0; c < W; c += step, k++) {
        let v = Number(block[at + c]);
        if (!Number.isFinite(v) || (mask && !mask[at + c]) || (s.zeroMask && v === 0)) {
          values[out + k] = NaN;
          continue;
        }
        v *= s.scale;
        if (s.wrap) v = wlo + ((((v - wlo) % (whi - wlo)) + (whi - wlo)) % (whi - wlo));
        values[out + k] = v;
        stats.add(v);
      }
    }
  }
  return { values, rows, cols };
}
