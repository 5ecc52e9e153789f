/**
 * Pseudo-inverses of the small dense matrices shared by many pixels (a design matrix
 * G of dates x parameters), through ml-matrix's SVD.
 * @module
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";

/** The pseudo-inverse of a `rows x cols` matrix and its numerical rank. */
export interface PseudoInverse {
  /** Row-major `cols x rows`. */
  readonly pinv: Float64Array;
  /** Number of singular values above `eps * max(rows, cols) * s_max` (LAPACK's rule). */
  readonly rank: number;
}

/**
 * Moore-Penrose pseudo-inverse of the row-major `rows x cols` matrix `a` (SVD; singular
 * values below the rank cut-off are dropped, giving the minimum-norm least squares
 * operator).
 * @example
 * ```ts
 * designPseudoInverse(new Float64Array([1, 0, 0, 2]), 2, 2).pinv; // [1, 0, 0, 0.5]
 * ```
 */
export function designPseudoInverse(a: Float64Array, rows: number, cols: number): PseudoInverse {
  const out = new Float64Array(cols * rows);
  if (rows === 0 || cols === 0) return { pinv: out, rank: 0 };
  const svd = new SingularValueDecomposition(Matrix.from1DArray(rows, cols, a), {
    autoTranspose: true,
  });
  const u = svd.leftSingularVectors, v = svd.rightSingularVectors, s = svd.diagonal;
  const cutoff = Number.EPSILON * Math.max(rows, cols) * (s[0] ?? 0);
  let rank = 0;
  for (let k = 0; k < s.length; k++) {
    const sk = s[k]!;
    if (!(Math.abs(sk) > cutoff)) continue;
    rank++;
    const inv = 1 / sk;
    for (let i = 0; i < cols; i++) {
      const vik = v.get(i, k) * inv;
      if (vik === 0) continue;
      const row = i * rows;
      for (let j = 0; j < rows; j++) out[row + j] += vik * u.get(j, k);
    }
  }
  return { pinv: out, rank };
}

/**
 * Squared norm of each row of a row-major `rows x cols` matrix. For `G+ = pinv(G)` of a
 * full-rank G these are `diag((G^T G)^-1)`, since `G+ G+^T = (G^T G)^-1`.
 */
export function rowSquaredNorms(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += a[i * cols + j]! ** 2;
    out[i] = s;
  }
  return out;
}
