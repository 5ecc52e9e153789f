/**
 * Sums of squares over a mask, skipping NaN (see
 * {@link import("@vinsar/core").Solver.maskedSquareSums}).
 *
 * The mask is the same for every row, so it is turned once per call into the list of its
 * columns; each row then runs over those only, with a branch on NaN that is almost never
 * taken, instead of a branch on a speckled mask that the CPU cannot predict. Two partial
 * sums per row (even and odd pixels of the list) hide the latency of the additions.
 * @module
 */

let inMask = new Int32Array(0);

/** See {@link import("@vinsar/core").Solver.maskedSquareSums}. */
export function maskedSquareSums(
  rows: number,
  width: number,
  data: Float32Array,
  mask: Uint8Array | null,
  sumSq: Float64Array,
  count: Float64Array,
): void {
  if (mask === null) {
    for (let i = 0; i < rows; i++) {
      const o = i * width;
      let s = 0, t = 0, nan = 0, c = 0;
      for (; c + 2 <= width; c += 2) {
        const d0 = data[o + c]!, d1 = data[o + c + 1]!;
        if (d0 === d0) s += d0 * d0;
        else nan++;
        if (d1 === d1) t += d1 * d1;
        else nan++;
      }
      if (c < width) {
        const d0 = data[o + c]!;
        if (d0 === d0) s += d0 * d0;
        else nan++;
      }
      sumSq[i] += s + t;
      count[i] += width - nan;
    }
    return;
  }
  if (inMask.length < width) inMask = new Int32Array(width);
  const idx = inMask;
  let n = 0;
  for (let c = 0; c < width; c++) {
    idx[n] = c;
    // Advance only over mask pixels, without a branch: (m + 255) >> 8 is 1 for m in 1..255.
    n += (mask[c]! + 255) >> 8;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    let s = 0, t = 0, nan = 0, q = 0;
    for (; q + 2 <= n; q += 2) {
      const d0 = data[o + idx[q]!]!, d1 = data[o + idx[q + 1]!]!;
      if (d0 === d0) s += d0 * d0;
      else nan++;
      if (d1 === d1) t += d1 * d1;
      else nan++;
    }
    if (q < n) {
      const d0 = data[o + idx[q]!]!;
      if (d0 === d0) s += d0 * d0;
      else nan++;
    }
    sumSq[i] += s + t;
    count[i] += n - nan;
  }
}
