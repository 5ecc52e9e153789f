/**
 * Row-major float64 GEMM in plain TypeScript: `C = alpha * op(A) * op(B) + beta * C`.
 * The inner loop runs along contiguous rows of B and C (i-k-j order), which is what V8
 * optimises best for typed arrays.
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
  if (alpha === 0 || k === 0) return;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[p * lda + i]! : a[i * lda + p]!);
        if (aip === 0) continue;
        const bp = p * ldb;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j]!;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        if (transA) { for (let p = 0; p < k; p++) s += a[p * lda + i]! * b[bj + p]!; }
        else {
          const ai = i * lda;
          for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
        }
        c[ci + j] += alpha * s;
      }
    }
  }
}
