/**
 * Row-major float64 GEMM in plain TypeScript: `C = alpha * op(A) * op(B) + beta * C`.
 *
 * With B not transposed (the batched case: B holds pixels along its rows) the inner loops
 * run along contiguous rows of B and C, register-blocked so each load of C or B feeds
 * several multiply-adds: four rows of C at a time for long sums (every B value loaded once
 * updates four accumulators), or all of a short sum (k <= 4) at once per row of C. This is
 * about three times faster in V8 than the plain i-k-j loop. Zero entries of op(A) (e.g. a
 * triangular A) are skipped.
 * @module
 */

/** See {@link import("@vinsar/core").Solver.dgemm}. */
export function dgemm(
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
    const ci = i * ldc;
    if (beta === 0) c.fill(0, ci, ci + n);
    else if (beta !== 1) { for (let j = 0; j < n; j++) c[ci + j] *= beta; }
  }
  if (alpha === 0 || k === 0 || m === 0 || n === 0) return;
  // Element (i, p) of op(A) is at ai * i + ap * p.
  const ai = transA ? 1 : lda, ap = transA ? lda : 1;
  if (transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * ai + p * ap]! * b[bj + p]!;
        c[ci + j] += alpha * s;
      }
    }
  } else if (k <= 4) {
    shortSums(m, n, k, alpha, a, ai, ap, b, ldb, c, ldc);
  } else {
    let i = 0;
    for (; i + 4 <= m; i += 4) fourRows(i, n, k, alpha, a, ai, ap, b, ldb, c, ldc);
    for (; i < m; i++) oneRow(i, n, k, alpha, a, ai, ap, b, ldb, c, ldc);
  }
}

/** Rows of C whose sums have at most 4 terms: each C value is loaded and stored once. */
function shortSums(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  ai: number,
  ap: number,
  b: Float64Array,
  ldb: number,
  c: Float64Array,
  ldc: number,
): void {
  const b1 = ldb, b2 = 2 * ldb, b3 = 3 * ldb;
  for (let i = 0; i < m; i++) {
    const ci = i * ldc, r = i * ai;
    const a0 = alpha * a[r]!;
    if (k === 1) {
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[j]!;
    } else if (k === 2) {
      const a1 = alpha * a[r + ap]!;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[j]! + a1 * b[b1 + j]!;
    } else if (k === 3) {
      const a1 = alpha * a[r + ap]!, a2 = alpha * a[r + 2 * ap]!;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]!;
    } else {
      const a1 = alpha * a[r + ap]!, a2 = alpha * a[r + 2 * ap]!, a3 = alpha * a[r + 3 * ap]!;
      for (let j = 0; j < n; j++) {
        c[ci + j] += a0 * b[j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
      }
    }
  }
}

/** Rows i..i+3 of C: every B value loaded feeds four multiply-adds. */
function fourRows(
  i: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  ai: number,
  ap: number,
  b: Float64Array,
  ldb: number,
  c: Float64Array,
  ldc: number,
): void {
  const c0 = i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  const r0 = i * ai, r1 = r0 + ai, r2 = r1 + ai, r3 = r2 + ai;
  for (let p = 0; p < k; p++) {
    const q = p * ap;
    const a0 = alpha * a[r0 + q]!, a1 = alpha * a[r1 + q]!;
    const a2 = alpha * a[r2 + q]!, a3 = alpha * a[r3 + q]!;
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
    const bp = p * ldb;
    for (let j = 0; j < n; j++) {
      const bv = b[bp + j]!;
      c[c0 + j] += a0 * bv;
      c[c1 + j] += a1 * bv;
      c[c2 + j] += a2 * bv;
      c[c3 + j] += a3 * bv;
    }
  }
}

/** One row of C, four terms of its sums at a time. */
function oneRow(
  i: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  ai: number,
  ap: number,
  b: Float64Array,
  ldb: number,
  c: Float64Array,
  ldc: number,
): void {
  const ci = i * ldc, r = i * ai;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const a0 = alpha * a[r + p * ap]!, a1 = alpha * a[r + (p + 1) * ap]!;
    const a2 = alpha * a[r + (p + 2) * ap]!, a3 = alpha * a[r + (p + 3) * ap]!;
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
    const b0 = p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    for (let j = 0; j < n; j++) {
      c[ci + j] += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
    }
  }
  for (; p < k; p++) {
    const a0 = alpha * a[r + p * ap]!;
    if (a0 === 0) continue;
    const b0 = p * ldb;
    for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j]!;
  }
}
