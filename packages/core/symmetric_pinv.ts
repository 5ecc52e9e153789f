/**
 * Minimum-norm solve of a small symmetric positive semi-definite system.
 * @module
 */

/**
 * Minimum-norm solution of the symmetric positive semi-definite system `A x = b` (n <= ~10)
 * by Jacobi eigen-decomposition: eigenvalues below `1e-12 * max` count as zero, like a
 * pseudo-inverse. `a` is overwritten. Returns false when the matrix is rank-deficient.
 */
export function solveSymmetricPinv(
  n: number,
  a: Float64Array,
  b: Float64Array,
  x: Float64Array,
): boolean {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let lmax = 0;
  for (let i = 0; i < n; i++) lmax = Math.max(lmax, Math.abs(a[i * n + i]));
  const tol = 1e-12 * lmax;
  let fullRank = lmax > 0;
  x.fill(0);
  for (let e = 0; e < n; e++) {
    const l = a[e * n + e];
    if (!(l > tol)) {
      fullRank = false;
      continue;
    }
    let proj = 0;
    for (let i = 0; i < n; i++) proj += v[i * n + e] * b[i];
    proj /= l;
    for (let i = 0; i < n; i++) x[i] += v[i * n + e] * proj;
  }
  return fullRank;
}
