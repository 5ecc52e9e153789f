/**
 * The fused least-squares fit of float32 series (see `Solver.fitSeriesFloat32`).
 *
 * Pixels are taken a tile at a time. The first pass over the dates references and widens
 * each date's row of the tile into a float64 tile (kept in cache) while summing it into the
 * pixel sums and parameters; the second pass forms the residual from that tile. Each step
 * runs over one row of the tile at a time, two parameters per inner loop, so V8 keeps every
 * inner loop a single stride-1 loop. The order of every operation is the WASM kernel's, so
 * both give identical results.
 * @module
 */

/** Pixels per tile, at most: the float64 tile of 100 dates is then 200 KB. */
const TILE_LANES = 256;

import type { SeriesFit } from "@vinsar/core";

/** See {@link import("@vinsar/core").Solver.fitSeriesFloat32}. */
export function fitSeriesFloat32(f: SeriesFit): number {
  const { n, p, lanes, data, rowOffset, refOffset, shift, scale, pinv, design } = f;
  const { params, ldParams, sums, e2, stdScale, std, residual, residualOffset } = f;
  const { special, specialNaN, specialSum } = f;
  const tw = Math.min(TILE_LANES, lanes);
  const d = new Float64Array(n * tw);
  const r = new Float64Array(tw);
  const ref = new Float64Array(tw);
  let numSpecial = 0;
  for (let l0 = 0; l0 < lanes; l0 += tw) {
    const w = Math.min(tw, lanes - l0);
    if (refOffset >= 0) {
      for (let q = 0; q < w; q++) ref[q] = data[refOffset + l0 + q]!;
    } else ref.fill(0);
    sums.fill(0, l0, l0 + w);
    for (let j = 0; j < p; j++) params.fill(0, j * ldParams + l0, j * ldParams + l0 + w);
    const o1 = ldParams + l0;
    for (let k = 0; k < n; k++) {
      const src = rowOffset[k]! + l0, dk = k * w, sh = shift[k]!;
      // The first two parameters in the same pass as the sums, the others two per pass.
      const c0 = pinv[k]!;
      if (p >= 2) {
        const c1 = pinv[n + k]!;
        for (let q = 0; q < w; q++) {
          const v = ((data[src + q]! - ref[q]!) - sh) * scale;
          d[dk + q] = v;
          sums[l0 + q] += v;
          params[l0 + q] += c0 * v;
          params[o1 + q] += c1 * v;
        }
      } else {
        for (let q = 0; q < w; q++) {
          const v = ((data[src + q]! - ref[q]!) - sh) * scale;
          d[dk + q] = v;
          sums[l0 + q] += v;
          params[l0 + q] += c0 * v;
        }
      }
      for (let j = 2; j < p; j += 2) {
        const c = pinv[j * n + k]!, o = j * ldParams + l0;
        if (j + 1 < p) {
          const cb = pinv[(j + 1) * n + k]!, ob = o + ldParams;
          for (let q = 0; q < w; q++) {
            const v = d[dk + q]!;
            params[o + q] += c * v;
            params[ob + q] += cb * v;
          }
        } else {
          for (let q = 0; q < w; q++) params[o + q] += c * d[dk + q]!;
        }
      }
    }
    e2.fill(0, l0, l0 + w);
    for (let k = 0; k < n; k++) {
      const dk = k * w, g0 = design[k * p]!;
      // r = d - g0 m0 - g1 m1 - ..., two parameters per pass, in that order.
      if (p >= 2) {
        const g1 = design[k * p + 1]!;
        for (let q = 0; q < w; q++) {
          r[q] = (d[dk + q]! - g0 * params[l0 + q]!) - g1 * params[o1 + q]!;
        }
      } else {
        for (let q = 0; q < w; q++) r[q] = d[dk + q]! - g0 * params[l0 + q]!;
      }
      for (let j = 2; j < p; j += 2) {
        const g = design[k * p + j]!, o = j * ldParams + l0;
        if (j + 1 < p) {
          const gb = design[k * p + j + 1]!, ob = o + ldParams;
          for (let q = 0; q < w; q++) r[q] = (r[q]! - g * params[o + q]!) - gb * params[ob + q]!;
        } else {
          for (let q = 0; q < w; q++) r[q] -= g * params[o + q]!;
        }
      }
      if (residual) {
        const o = residualOffset![k]! + l0;
        for (let q = 0; q < w; q++) {
          const v = r[q]!, s = sums[l0 + q]!;
          e2[l0 + q] += v * v;
          if (s === s) residual[o + q] = v;
        }
      } else {
        for (let q = 0; q < w; q++) e2[l0 + q] += r[q]! * r[q]!;
      }
    }
    if (stdScale) {
      for (let j = 0; j < p; j++) {
        const c = stdScale[j]!, o = j * ldParams + l0;
        for (let q = 0; q < w; q++) std![o + q] = Math.sqrt(c * e2[l0 + q]!);
      }
    }
    for (let q = 0; q < w; q++) {
      const s = sums[l0 + q]!;
      if (s === s && s !== 0) continue;
      let nan = 0, valid = 0;
      if (s !== s) {
        for (let k = 0; k < n; k++) {
          const v = d[k * w + q]!;
          if (v === v) valid += v;
          else nan++;
        }
      }
      specialNaN[numSpecial] = nan;
      specialSum[numSpecial] = valid;
      special[numSpecial++] = l0 + q;
    }
  }
  return numSpecial;
}
