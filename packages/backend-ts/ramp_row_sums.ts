/**
 * The per-row sums of a deramp fit over float32 image rows (see
 * {@link import("@vinsar/core").Solver.rampRowSums}).
 *
 * Each row is first cleaned into a float64 row that stays in L1 (the value where valid,
 * else 0; bad pixels counted), then dotted with the basis rows three at a time, two columns
 * per step, so six independent sums hide the latency of the additions.
 * The mask is the same for every date, so each mask row is turned once per call into the
 * list of its columns in the mask: the cleaning loop then runs over those only, with a
 * branch that is almost never taken (bad pixels are rare) instead of one on a speckled
 * mask that the CPU cannot predict.
 * A row's bad-pixel sums are accumulated only when it has some (rare), pixel by pixel over
 * the same list of mask columns.
 * @module
 */

let clean = new Float64Array(0);
let inMask = new Int32Array(0);
let inMaskCount = new Int32Array(0);

/** See {@link import("@vinsar/core").Solver.rampRowSums}. */
export function rampRowSums(
  rows: number,
  width: number,
  data: Float32Array,
  mask: Uint8Array | null,
  maskRows: number,
  sumBasis: Float64Array,
  numSum: number,
  badBasis: Float64Array,
  numBad: number,
  sums: Float64Array,
  bad: Float64Array,
  badCount: Int32Array,
): void {
  if (clean.length < width) clean = new Float64Array(width);
  const v = clean;
  const mRows = Math.min(maskRows, rows);
  if (mask !== null) listMaskColumns(mask, mRows, width);
  const idx = inMask;
  for (let i = 0; i < rows; i++) {
    const src = i * width;
    let nBad = 0;
    if (mask === null) {
      for (let c = 0; c < width; c++) {
        const d = data[src + c]!;
        // Finite and non-zero.
        if (d - d === 0 && d !== 0) v[c] = d;
        else {
          v[c] = 0;
          nBad++;
        }
      }
    } else {
      v.fill(0, 0, width);
      const mr = i % maskRows, q1 = mr * width + inMaskCount[mr]!;
      for (let q = mr * width; q < q1; q++) {
        const c = idx[q]!, d = data[src + c]!;
        if (d - d === 0 && d !== 0) v[c] = d;
        else nBad++;
      }
    }
    rowDots(width, v, sumBasis, numSum, sums, i * numSum);
    badCount[i] = nBad;
    const ob = i * numBad;
    bad.fill(0, ob, ob + numBad);
    if (nBad === 0) continue;
    if (mask === null) {
      for (let c = 0; c < width; c++) {
        const d = data[src + c]!;
        if (d - d !== 0 || d === 0) addColumn(badBasis, numBad, width, c, bad, ob);
      }
    } else {
      const mr = i % maskRows, q1 = mr * width + inMaskCount[mr]!;
      for (let q = mr * width; q < q1; q++) {
        const c = idx[q]!, d = data[src + c]!;
        if (d - d !== 0 || d === 0) addColumn(badBasis, numBad, width, c, bad, ob);
      }
    }
  }
}

/** `out[o + j] += basis[j * width + c]` for j < count. */
function addColumn(
  basis: Float64Array,
  count: number,
  width: number,
  c: number,
  out: Float64Array,
  o: number,
): void {
  for (let j = 0; j < count; j++) out[o + j] += basis[j * width + c]!;
}

/** `inMask[r * width ..]`: the columns of mask row r in the mask, `inMaskCount[r]` of them. */
function listMaskColumns(mask: Uint8Array, maskRows: number, width: number): void {
  if (inMask.length < maskRows * width) inMask = new Int32Array(maskRows * width);
  if (inMaskCount.length < maskRows) inMaskCount = new Int32Array(maskRows);
  for (let r = 0; r < maskRows; r++) {
    const o = r * width;
    let q = o;
    for (let c = 0; c < width; c++) {
      inMask[q] = c;
      // Advance only over mask pixels, without a branch: (m + 255) >> 8 is 1 for m in 1..255.
      q += (mask[o + c]! + 255) >> 8;
    }
    inMaskCount[r] = q - o;
  }
}

/** `out[o + j] = sum_c basis[j * width + c] * v[c]` for j < count. */
function rowDots(
  width: number,
  v: Float64Array,
  basis: Float64Array,
  count: number,
  out: Float64Array,
  o: number,
): void {
  let j = 0;
  // Three rows at a time (a quadratic ramp's 1, u, u^2), two columns per step.
  for (; j + 3 <= count; j += 3) {
    const b0 = j * width, b1 = b0 + width, b2 = b1 + width;
    let s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0, t2 = 0;
    let c = 0;
    for (; c + 2 <= width; c += 2) {
      const v0 = v[c]!, v1 = v[c + 1]!;
      s0 += basis[b0 + c]! * v0;
      t0 += basis[b0 + c + 1]! * v1;
      s1 += basis[b1 + c]! * v0;
      t1 += basis[b1 + c + 1]! * v1;
      s2 += basis[b2 + c]! * v0;
      t2 += basis[b2 + c + 1]! * v1;
    }
    if (c < width) {
      const v0 = v[c]!;
      s0 += basis[b0 + c]! * v0;
      s1 += basis[b1 + c]! * v0;
      s2 += basis[b2 + c]! * v0;
    }
    out[o + j] = s0 + t0;
    out[o + j + 1] = s1 + t1;
    out[o + j + 2] = s2 + t2;
  }
  if (j + 2 === count) {
    const b0 = j * width, b1 = b0 + width;
    let s0 = 0, s1 = 0, t0 = 0, t1 = 0;
    let c = 0;
    for (; c + 2 <= width; c += 2) {
      const v0 = v[c]!, v1 = v[c + 1]!;
      s0 += basis[b0 + c]! * v0;
      t0 += basis[b0 + c + 1]! * v1;
      s1 += basis[b1 + c]! * v0;
      t1 += basis[b1 + c + 1]! * v1;
    }
    if (c < width) {
      s0 += basis[b0 + c]! * v[c]!;
      s1 += basis[b1 + c]! * v[c]!;
    }
    out[o + j] = s0 + t0;
    out[o + j + 1] = s1 + t1;
  } else if (j + 1 === count) {
    const b0 = j * width;
    let s0 = 0, t0 = 0;
    let c = 0;
    for (; c + 2 <= width; c += 2) {
      s0 += basis[b0 + c]! * v[c]!;
      t0 += basis[b0 + c + 1]! * v[c + 1]!;
    }
    if (c < width) s0 += basis[b0 + c]! * v[c]!;
    out[o + j] = s0 + t0;
  }
}
