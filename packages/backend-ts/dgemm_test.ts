import { ok } from "node:assert/strict";
import { Matrix } from "ml-matrix";
import { dgemm } from "./dgemm.ts";

/** Deterministic values in [-1, 1), with some exact zeros. */
function values(len: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: len }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % 7 === 0 ? 0 : s / 2 ** 31 - 1;
  });
}

Deno.test("dgemm equals ml-matrix for every shape path, transpose, alpha and beta", () => {
  let seed = 1;
  for (
    const [m, n, k] of [[1, 1, 1], [2, 37, 2], [3, 5, 3], [5, 9, 4], [7, 33, 5], [9, 17, 13], [
      4,
      8,
      100,
    ]]
  ) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta] of [[1, 0], [-1, 1], [0.5, 2]]) {
          // Stored with padded row strides to exercise lda/ldb/ldc.
          const lda = (transA ? m : k) + 2, ldb = (transB ? k : n) + 1, ldc = n + 3;
          const a = values((transA ? k : m) * lda, seed++);
          const b = values((transB ? n : k) * ldb, seed++);
          const c = values(m * ldc, seed++);
          const A = new Matrix(transA ? k : m, transA ? m : k);
          for (let r = 0; r < A.rows; r++) {
            for (let q = 0; q < A.columns; q++) A.set(r, q, a[r * lda + q]!);
          }
          const B = new Matrix(transB ? n : k, transB ? k : n);
          for (let r = 0; r < B.rows; r++) {
            for (let q = 0; q < B.columns; q++) B.set(r, q, b[r * ldb + q]!);
          }
          const C = new Matrix(m, n);
          for (let r = 0; r < m; r++) for (let q = 0; q < n; q++) C.set(r, q, c[r * ldc + q]!);
          const want = (transA ? A.transpose() : A).mmul(transB ? B.transpose() : B).mul(alpha)
            .add(C.mul(beta));
          dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
          for (let r = 0; r < m; r++) {
            for (let q = 0; q < n; q++) {
              const got = c[r * ldc + q]!, w = want.get(r, q);
              ok(
                Math.abs(got - w) < 1e-12,
                `${m}x${n}x${k} tA=${transA} tB=${transB}: ${got} vs ${w}`,
              );
            }
          }
        }
      }
    }
  }
});
