/**
 * Pixel rules of MintPy's `generate_mask.py` on in-memory masks: value thresholds (in the
 * data's own precision, as numpy compares a float32 array with a Python float), circles and
 * the removal of small 4-connected clusters (`skimage.morphology.remove_small_objects` with
 * `connectivity=1`).
 * @module
 */

/** Options of {@link thresholdMask}. */
export interface ThresholdRules {
  /** Keep NaN pixels (MintPy's `--keep-nan`); default: NaN pixels are 0. */
  keepNaN?: boolean;
  /** Exclude exact zeros (`--nonzero`). */
  nonzero?: boolean;
  /** Exclude values below `vmin` / above `vmax`, only where `aoi` is set (all when null). */
  vmin?: number;
  vmax?: number;
}

/**
 * Set `mask[i] = 0` where `data[i]` fails the rules (the mask is only ever cleared).
 * For float32 data the limits are rounded to float32 first, as numpy does.
 * @param aoi pixels where the value limits apply (`--vx/--vy`), or null for all.
 */
export function thresholdMask(
  data: Float32Array | Float64Array,
  mask: Uint8Array,
  rules: ThresholdRules,
  aoi: Uint8Array | null = null,
): void {
  const f32 = data instanceof Float32Array;
  const lo = rules.vmin === undefined ? undefined : f32 ? Math.fround(rules.vmin) : rules.vmin;
  const hi = rules.vmax === undefined ? undefined : f32 ? Math.fround(rules.vmax) : rules.vmax;
  for (let i = 0; i < mask.length; i++) {
    const d = data[i]!;
    if (!rules.keepNaN && d !== d) mask[i] = 0;
    if (rules.nonzero && d === 0) mask[i] = 0;
    if (aoi && aoi[i] === 0) continue;
    if (lo !== undefined && d < lo) mask[i] = 0;
    if (hi !== undefined && d > hi) mask[i] = 0;
  }
}

/** 1 inside the circle `(x - cx)^2 + (y - cy)^2 <= r^2` over a `length x width` grid. */
export function circleMask(
  cx: number,
  cy: number,
  r: number,
  length: number,
  width: number,
): Uint8Array {
  const out = new Uint8Array(length * width);
  for (let y = 0; y < length; y++) {
    for (let x = 0; x < width; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) out[y * width + x] = 1;
    }
  }
  return out;
}

/**
 * Clear the 4-connected clusters of set pixels with fewer than `minPixels` pixels.
 * Returns the number of pixels removed.
 */
export function removeSmallClusters(
  mask: Uint8Array,
  length: number,
  width: number,
  minPixels: number,
): number {
  const label = new Int32Array(length * width).fill(-1);
  const stack = new Int32Array(length * width);
  const members: number[] = [];
  let removed = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start]! >= 0) continue;
    members.length = 0;
    let top = 0;
    stack[top++] = start;
    label[start] = start;
    while (top > 0) {
      const p = stack[--top]!;
      members.push(p);
      const y = Math.floor(p / width), x = p - y * width;
      const visit = (q: number) => {
        if (mask[q] && label[q]! < 0) {
          label[q] = start;
          stack[top++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < length - 1) visit(p + width);
    }
    if (members.length < minPixels) {
      for (const p of members) mask[p] = 0;
      removed += members.length;
    }
  }
  return removed;
}
