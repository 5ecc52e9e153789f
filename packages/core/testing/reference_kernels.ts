/**
 * Reference kernels: every kernel of {@link Solver} written as the plainest float64 loops
 * of its definition in `solver.ts`, one pixel (or one entry) at a time, with no blocking,
 * no unrolling and no shortcuts. They are what the solver conformance suite checks a
 * backend against; they are slow and never used for real work, and no backend's code is
 * involved.
 *
 * Where `solver.ts` fixes the order of the operations (the fused series fit, the values of
 * the ramp removal, the sums of the squared norms, the Cholesky schedule), these loops
 * follow that order, so a backend that does too gives the very same bits.
 * @module
 */
// deno-lint-ignore no-unused-vars -- `Solver` is what the docs link to.
import type { CholeskyPlan, NetworkScatter, SeriesFit, Solver } from "../solver.ts";

/** Element (i, p) of `op(X)` of a row-major X with row stride `ld`. */
function opAt(x: Float64Array, ld: number, trans: boolean, i: number, p: number): number {
  return trans ? x[p * ld + i]! : x[i * ld + p]!;
}

/**
 * See {@link Solver.dgemm}: `C = alpha * op(A) * op(B) + beta * C`, each entry's sum in
 * order of `p`. As in BLAS, A and B are not read when `alpha` is 0, and C is not read
 * when `beta` is 0 (NaN there is overwritten); entries between rows (`ldc > n`) untouched.
 */
export function referenceDgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  beta: number,
  c: Float64Array,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (alpha !== 0) {
        for (let p = 0; p < k; p++) s += opAt(a, lda, transA, i, p) * opAt(b, ldb, transB, p, j);
      }
      const old = beta === 0 ? 0 : beta * c[i * ldc + j]!;
      c[i * ldc + j] = alpha * s + old;
    }
  }
}

/**
 * The rounding scale of each entry of {@link referenceDgemm}'s C (row stride `ldc`, at
 * least `tiny`): `|beta c_ij| + |alpha| sum_p |op(A)_ip op(B)_pj|`, which bounds what any
 * order of the additions can change, relative to the unit roundoff.
 */
export function dgemmScale(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  beta: number,
  c: Float64Array,
  ldc: number,
  tiny = 1e-300,
): Float64Array {
  const scale = new Float64Array(m * ldc).fill(tiny);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = beta === 0 ? 0 : Math.abs(beta * c[i * ldc + j]!);
      for (let p = 0; p < k && alpha !== 0; p++) {
        s += Math.abs(alpha * opAt(a, lda, transA, i, p) * opAt(b, ldb, transB, p, j));
      }
      scale[i * ldc + j] = Math.max(s, tiny);
    }
  }
  return scale;
}

/**
 * See {@link Solver.assembleNormalEquations}: for each lane, `A^T W A` and `A^T W y` as the
 * sum over the observations (in order) of `w_k a_k a_k^T` and `w_k y_k a_k`, where `a_k` is
 * -1 at date1's unknown and +1 at date2's (none for the reference date), scattered where
 * `scatter` says.
 * @returns per entry of `values` and `rhs`, the sum of the absolute values of its terms
 *   (the rounding scale of any order of the additions).
 */
export function referenceAssembleNormalEquations(
  plan: CholeskyPlan,
  scatter: NetworkScatter,
  lanes: number,
  obs: Float64Array,
  weight: Float64Array,
  values: Float64Array,
  rhs: Float64Array,
): { valuesScale: Float64Array; rhsScale: Float64Array } {
  const valuesScale = new Float64Array(plan.nnz * lanes);
  const rhsScale = new Float64Array(plan.n * lanes);
  values.fill(0, 0, plan.nnz * lanes);
  rhs.fill(0, 0, plan.n * lanes);
  for (let l = 0; l < lanes; l++) {
    for (let k = 0; k < scatter.numObs; k++) {
      const w = weight[k * lanes + l]!, y = obs[k * lanes + l]!;
      // The unknowns of the observation: (diagonal entry, rhs position, coefficient in A).
      const terms: Array<[number, number, number]> = [];
      if (scatter.diag1[k]! >= 0) terms.push([scatter.diag1[k]!, scatter.pos1[k]!, -1]);
      if (scatter.diag2[k]! >= 0) terms.push([scatter.diag2[k]!, scatter.pos2[k]!, 1]);
      for (const [diag, pos, a] of terms) {
        values[diag * lanes + l] += a * a * w;
        valuesScale[diag * lanes + l] += Math.abs(w);
        rhs[pos * lanes + l] += a * w * y;
        rhsScale[pos * lanes + l] += Math.abs(w * y);
      }
      if (terms.length === 2) {
        const off = scatter.offDiag[k]! * lanes + l;
        values[off] += terms[0]![2] * terms[1]![2] * w;
        valuesScale[off] += Math.abs(w);
      }
    }
  }
  return { valuesScale, rhsScale };
}

/**
 * See {@link Solver.sparseCholeskySolve}: each lane on its own, by the numeric schedule
 * of {@link CholeskyPlan} (for column j: its updates `L[t] -= L[a] * L[b]` in order; a
 * diagonal that is not > 0 (or NaN) fails the lane, status 1; else its square root, and the
 * column's other entries divided by it), then `L y = b` and `L^T x = y`.
 */
export function referenceSparseCholeskySolve(
  plan: CholeskyPlan,
  lanes: number,
  values: Float64Array,
  rhs: Float64Array,
  status: Uint8Array,
): void {
  const { n, colPtr, rowIdx, updPtr, updTarget, updA, updB } = plan;
  for (let l = 0; l < lanes; l++) {
    const L = (e: number) => e * lanes + l;
    status[l] = 0;
    for (let j = 0; j < n && status[l] === 0; j++) {
      for (let u = updPtr[j]!; u < updPtr[j + 1]!; u++) {
        values[L(updTarget[u]!)] -= values[L(updA[u]!)]! * values[L(updB[u]!)]!;
      }
      const d = values[L(colPtr[j]!)]!;
      if (!(d > 0)) {
        status[l] = 1;
        break;
      }
      values[L(colPtr[j]!)] = Math.sqrt(d);
      for (let e = colPtr[j]! + 1; e < colPtr[j + 1]!; e++) values[L(e)] /= Math.sqrt(d);
    }
    if (status[l]) continue;
    const x = Array.from({ length: n }, (_, i) => rhs[i * lanes + l]!);
    for (let j = 0; j < n; j++) {
      x[j] /= values[L(colPtr[j]!)]!;
      for (let e = colPtr[j]! + 1; e < colPtr[j + 1]!; e++) {
        x[rowIdx[e]!] -= values[L(e)]! * x[j]!;
      }
    }
    for (let j = n - 1; j >= 0; j--) {
      for (let e = colPtr[j]! + 1; e < colPtr[j + 1]!; e++) {
        x[j] -= values[L(e)]! * x[rowIdx[e]!]!;
      }
      x[j] /= values[L(colPtr[j]!)]!;
    }
    for (let i = 0; i < n; i++) rhs[i * lanes + l] = x[i]!;
  }
}

/**
 * See {@link Solver.temporalCoherence}: `|sum_k use_k exp(j e_k)| / sum_k use_k` with
 * `Math.cos` and `Math.sin`, 0 for a lane with no observation.
 */
export function referenceTemporalCoherence(
  numObs: number,
  _numDates: number,
  lanes: number,
  date1: Int32Array,
  date2: Int32Array,
  obs: Float64Array,
  use: Float64Array,
  ts: Float64Array,
  out: Float64Array,
): void {
  for (let l = 0; l < lanes; l++) {
    let re = 0, im = 0, count = 0;
    for (let k = 0; k < numObs; k++) {
      const u = use[k * lanes + l]!;
      const e = obs[k * lanes + l]! - (ts[date2[k]! * lanes + l]! - ts[date1[k]! * lanes + l]!);
      re += u * Math.cos(e);
      im += u * Math.sin(e);
      count += u;
    }
    out[l] = count > 0 ? Math.hypot(re, im) / count : 0;
  }
}

/**
 * See {@link Solver.groupedSquaredNorms}: per group and column, the squares summed in the
 * order `solver.ts` states (four rows at a time, `s + (((a0^2 + a1^2) + a2^2) + a3^2)` from
 * `s = 0`, then the remaining rows one by one), then the square root when `sqrt`.
 */
export function referenceGroupedSquaredNorms(
  groups: number,
  groupRows: number,
  width: number,
  a: Float64Array,
  lda: number,
  out: Float64Array,
  ldOut: number,
  sqrt: boolean,
): void {
  for (let g = 0; g < groups; g++) {
    for (let l = 0; l < width; l++) {
      const at = (r: number) => a[(g * groupRows + r) * lda + l]!;
      let s = 0, r = 0;
      for (; r + 4 <= groupRows; r += 4) {
        s += ((at(r) ** 2 + at(r + 1) ** 2) + at(r + 2) ** 2) + at(r + 3) ** 2;
      }
      for (; r < groupRows; r++) s += at(r) ** 2;
      out[g * ldOut + l] = sqrt ? Math.sqrt(s) : s;
    }
  }
}

/**
 * See {@link Solver.fitSeriesFloat32} and {@link SeriesFit}: one pixel at a time, every step
 * in float64 and every sum in date order, from 0.
 */
export function referenceFitSeriesFloat32(f: SeriesFit): number {
  const { n, p, lanes, data, rowOffset, refOffset, shift, scale, pinv, design } = f;
  const { params, ldParams, sums, e2, stdScale, std, residual, residualOffset } = f;
  let numSpecial = 0;
  for (let l = 0; l < lanes; l++) {
    const ref = refOffset >= 0 ? data[refOffset + l]! : 0;
    const d = Array.from(
      rowOffset.subarray(0, n),
      (o, k) => ((data[o + l]! - ref) - shift[k]!) * scale,
    );
    let sum = 0;
    for (let k = 0; k < n; k++) sum += d[k]!;
    const m: number[] = [];
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += pinv[j * n + k]! * d[k]!;
      m.push(s);
    }
    const r: number[] = [];
    let ss = 0;
    for (let k = 0; k < n; k++) {
      let rk = d[k]!;
      for (let j = 0; j < p; j++) rk -= design[k * p + j]! * m[j]!;
      r.push(rk);
      ss += rk * rk;
    }
    sums[l] = sum;
    e2[l] = ss;
    for (let j = 0; j < p; j++) params[j * ldParams + l] = m[j]!;
    for (let j = 0; j < p && stdScale; j++) std![j * ldParams + l] = Math.sqrt(stdScale[j]! * ss);
    // Written after every value of the pixel was read (the residual may be the data).
    if (residual && !Number.isNaN(sum)) {
      for (let k = 0; k < n; k++) residual[residualOffset![k]! + l] = r[k]!;
    }
    if (Number.isNaN(sum) || sum === 0) {
      let nan = 0, other = 0;
      for (let k = 0; k < n; k++) {
        if (Number.isNaN(d[k]!)) nan++;
        else other += d[k]!;
      }
      f.special[numSpecial] = l;
      f.specialNaN[numSpecial] = nan;
      f.specialSum[numSpecial++] = other;
    }
  }
  return numSpecial;
}

/**
 * See {@link Solver.rampRowSums}: pixel by pixel, each sum in column order from 0.
 */
export function referenceRampRowSums(
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
  sums.fill(0, 0, rows * numSum);
  bad.fill(0, 0, rows * numBad);
  badCount.fill(0, 0, rows);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < width; c++) {
      if (mask && mask[(i % maskRows) * width + c] === 0) continue;
      const d = data[i * width + c]!;
      if (Number.isFinite(d) && d !== 0) {
        for (let j = 0; j < numSum; j++) sums[i * numSum + j] += sumBasis[j * width + c]! * d;
      } else {
        badCount[i]++;
        for (let j = 0; j < numBad; j++) bad[i * numBad + j] += badBasis[j * width + c]!;
      }
    }
  }
}

/**
 * See {@link Solver.removeRampRows}: each pixel `d` becomes `float32(d - (a + t (b + t q)))`,
 * a zero kept as it is (with its sign) and NaN staying NaN; then the squares of the new
 * float32 values in the mask that are not NaN summed in column order, from 0.
 */
export function referenceRemoveRampRows(
  rows: number,
  width: number,
  data: Float32Array,
  coeffs: Float64Array,
  u: Float64Array,
  mask: Uint8Array | null,
  maskRows: number,
  maskRow0: number,
  sumSq: Float64Array,
  count: Float64Array,
): void {
  for (let i = 0; i < rows; i++) {
    const a = coeffs[3 * i]!, b = coeffs[3 * i + 1]!, q = coeffs[3 * i + 2]!;
    let s = 0, n = 0;
    for (let c = 0; c < width; c++) {
      const d = data[i * width + c]!, t = u[c]!;
      const v = d === 0 ? d : Math.fround(d - (a + t * (b + t * q)));
      data[i * width + c] = v;
      const inMask = mask === null || mask[((maskRow0 + i) % maskRows) * width + c] !== 0;
      if (inMask && !Number.isNaN(v)) {
        s += v * v;
        n++;
      }
    }
    sumSq[i] = s;
    count[i] = n;
  }
}

/**
 * See {@link Solver.maskedSquareSums}: per row, the squares of the values in the mask that
 * are not NaN summed in column order from 0, then added to `sumSq[i]`; their number added
 * to `count[i]`.
 */
export function referenceMaskedSquareSums(
  rows: number,
  width: number,
  data: Float32Array,
  mask: Uint8Array | null,
  sumSq: Float64Array,
  count: Float64Array,
): void {
  for (let i = 0; i < rows; i++) {
    let s = 0, n = 0;
    for (let c = 0; c < width; c++) {
      const d = data[i * width + c]!;
      if ((mask === null || mask[c] !== 0) && !Number.isNaN(d)) {
        s += d * d;
        n++;
      }
    }
    sumSq[i] += s;
    count[i] += n;
  }
}
