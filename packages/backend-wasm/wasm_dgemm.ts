/**
 * The binding of the wasm `dgemm` kernel: copy op(A), op(B) and C into the module's
 * memory, multiply, copy C back. Small products go in one call with the caller's strides.
 * Larger ones are cut so the data of one call stays about `slabBytes` (cache-sized: the
 * kernel then reads what the copy just wrote from cache, and memory stays bounded):
 * - along the sum (k) when C is small, e.g. deramp sums over every pixel of a block: C
 *   stays in the module while slabs of B rows (contiguous, cheap to copy) stream through;
 * - else along the columns of C (pixels), e.g. fitting time functions to a block.
 * @module
 */
import type { Solver } from "@vinsar/core";
import { copyBlock, type WasmArena } from "./wasm_memory.ts";
import type { KernelExports } from "./kernel_exports.ts";

/** Records the time split of one call (copy in, kernel, copy out), ms. */
export type RecordSplit = (copyIn: number, kernel: number, copyOut: number) => void;

/** Bind `kernels.dgemm` to the {@link Solver.dgemm} signature. */
export function bindDgemm(
  kernels: KernelExports,
  arena: WasmArena,
  slabBytes: number,
  record: RecordSplit | null,
): Solver["dgemm"] {
  const now = record ? () => performance.now() : () => 0;
  return function dgemm(transA, transB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc): void {
    if (m <= 0 || n <= 0) return;
    const t0 = now();
    const useA = alpha !== 0 && kk > 0;
    const aLen = useA ? (transA ? (kk - 1) * lda + m : (m - 1) * lda + kk) : 0;
    const bLen = useA ? (transB ? (n - 1) * ldb + kk : (kk - 1) * ldb + n) : 0;
    const cLen = (m - 1) * ldc + n;
    const scratch = useA ? 5 * kk : 0;
    // C is read unless beta is 0 over packed rows (then the kernel writes every entry).
    const readC = beta !== 0 || ldc !== n;
    const tA = +transA, tB = +transB;
    let tIn = 0, tK = 0, tOut = 0;

    if ((aLen + bLen + cLen + scratch) * 8 <= slabBytes) {
      arena.beginCall();
      const oA = arena.alloc(aLen * 8), oB = arena.alloc(bLen * 8);
      const oC = arena.alloc(cLen * 8), oS = arena.alloc(scratch * 8);
      const f64 = arena.f64;
      if (useA) {
        f64.set(a.subarray(0, aLen), oA >> 3);
        f64.set(b.subarray(0, bLen), oB >> 3);
      }
      if (readC) f64.set(c.subarray(0, cLen), oC >> 3);
      const t1 = now();
      kernels.dgemm(tA, tB, m, n, kk, alpha, oA, lda, oB, ldb, beta, oC, ldc, oS);
      const t2 = now();
      c.set(f64.subarray(oC >> 3, (oC >> 3) + cLen));
      record?.(t1 - t0, t2 - t1, now() - t2);
      return;
    }

    // Sum slabs of kc terms: op(A)[:, k0:k1] and op(B)[k0:k1, :], packed.
    const cBytes = m * n * 8;
    const kc = Math.floor((slabBytes - cBytes) / (8 * (m + n + 5)));
    if (useA && cBytes <= slabBytes / 2 && kc >= 16) {
      arena.beginCall();
      const oC = arena.alloc(cBytes), oS = arena.alloc(5 * kc * 8);
      const oA = arena.alloc(m * kc * 8), oB = arena.alloc(kc * n * 8);
      const f64 = arena.f64;
      if (readC) copyBlock(c, 0, ldc, m, n, f64, oC >> 3, n);
      tIn += now() - t0;
      for (let k0 = 0; k0 < kk; k0 += kc) {
        const t1 = now();
        const w = Math.min(kc, kk - k0);
        // op(A)[:, k0:k0+w] packed as m x w (or w x m when A is transposed).
        if (transA) copyBlock(a, k0 * lda, lda, w, m, f64, oA >> 3, m);
        else copyBlock(a, k0, lda, m, w, f64, oA >> 3, w);
        if (transB) copyBlock(b, k0, ldb, n, w, f64, oB >> 3, w);
        else copyBlock(b, k0 * ldb, ldb, w, n, f64, oB >> 3, n);
        const t2 = now();
        const ldaS = transA ? m : w, ldbS = transB ? w : n;
        // beta applies once; later slabs accumulate.
        const bS = k0 === 0 ? (readC ? beta : 0) : 1;
        kernels.dgemm(tA, tB, m, n, w, alpha, oA, ldaS, oB, ldbS, bS, oC, n, oS);
        tIn += t2 - t1;
        tK += now() - t2;
      }
      const t3 = now();
      copyBlock(f64, oC >> 3, n, m, n, c, 0, ldc);
      record?.(tIn, tK, now() - t3);
      return;
    }

    // Column slabs of w pixels: C[:, j0:j1] and op(B)[:, j0:j1]; A is copied once.
    const perCol = 8 * ((useA ? (transB ? ldb : kk) : 0) + m);
    let w = Math.floor((slabBytes - (aLen + scratch) * 8) / perCol);
    w = Math.min(n, Math.max(4, w - (w % 4)));
    arena.beginCall();
    const oA = arena.alloc(aLen * 8), oS = arena.alloc(scratch * 8);
    const oB = arena.alloc((useA ? (transB ? (w - 1) * ldb + kk : kk * w) : 0) * 8);
    const oC = arena.alloc(m * w * 8);
    const f64 = arena.f64;
    if (useA) f64.set(a.subarray(0, aLen), oA >> 3);
    tIn += now() - t0;
    for (let j0 = 0; j0 < n; j0 += w) {
      const t1 = now();
      const cw = Math.min(w, n - j0);
      let ldbS = ldb;
      if (useA) {
        if (transB) f64.set(b.subarray(j0 * ldb, j0 * ldb + (cw - 1) * ldb + kk), oB >> 3);
        else {
          copyBlock(b, j0, ldb, kk, cw, f64, oB >> 3, cw);
          ldbS = cw;
        }
      }
      if (beta !== 0) copyBlock(c, j0, ldc, m, cw, f64, oC >> 3, cw);
      const t2 = now();
      kernels.dgemm(tA, tB, m, cw, kk, alpha, oA, lda, oB, ldbS, beta, oC, cw, oS);
      const t3 = now();
      copyBlock(f64, oC >> 3, cw, m, cw, c, j0, ldc);
      tIn += t2 - t1;
      tK += t3 - t2;
      tOut += now() - t3;
    }
    record?.(tIn, tK, tOut);
  };
}
