/*
 * Row-major float64 GEMM: C = alpha * op(A) * op(B) + beta * C (see Solver.dgemm).
 *
 * B not transposed (the batched case: pixels run along the rows of B and C): op(A) is
 * packed four rows at a time, pre-scaled by alpha, with the terms whose four A values are
 * all zero dropped (triangular or sparse A cost nothing). Each 4 x 4 tile of C is then
 * accumulated in eight f64x2 registers over the whole sum, so C is loaded and stored once
 * and every B load feeds four multiply-adds. Panels of 1-3 rows get their own copy of the
 * loop so short A costs no wasted lanes.
 * B transposed: dot products along the contiguous rows of B, two lanes at a time.
 */
#include "kernels.h"

/* Pack rows i0 .. i0+R-1 of alpha * op(A) term by term: pack[q*4 + r] for the q-th kept
 * term p = terms[q]. Returns the number of kept terms. */
INLINE int pack_panel(int R, int i0, int k, double alpha, const double *a, int ai, int ap,
                      double *pack, int32_t *terms) {
  int q = 0;
  for (int p = 0; p < k; p++) {
    double v[4] = {0, 0, 0, 0};
    int any = 0;
    for (int r = 0; r < R; r++) {
      v[r] = alpha * a[(i0 + r) * ai + p * ap];
      any |= v[r] != 0;
    }
    if (!any) continue;
    for (int r = 0; r < 4; r++) pack[q * 4 + r] = v[r];
    terms[q++] = p;
  }
  return q;
}

/* C[i0 .. i0+R-1, 0 .. n-1] += packed panel * B. R is a compile-time constant after
 * inlining, so the unused accumulators vanish. */
INLINE void panel(int R, int i0, int n, int cnt, const double *pack, const int32_t *terms,
                  const double *b, int ldb, double *c, int ldc) {
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    f64x2 s00 = splat(0), s01 = splat(0), s10 = splat(0), s11 = splat(0);
    f64x2 s20 = splat(0), s21 = splat(0), s30 = splat(0), s31 = splat(0);
    for (int q = 0; q < cnt; q++) {
      const double *bp = b + terms[q] * ldb + j;
      const double *pq = pack + q * 4;
      f64x2 b0 = ld(bp), b1 = ld(bp + 2);
      f64x2 a0 = splat(pq[0]);
      s00 = wasm_f64x2_add(s00, wasm_f64x2_mul(a0, b0));
      s01 = wasm_f64x2_add(s01, wasm_f64x2_mul(a0, b1));
      if (R > 1) {
        f64x2 a1 = splat(pq[1]);
        s10 = wasm_f64x2_add(s10, wasm_f64x2_mul(a1, b0));
        s11 = wasm_f64x2_add(s11, wasm_f64x2_mul(a1, b1));
      }
      if (R > 2) {
        f64x2 a2 = splat(pq[2]);
        s20 = wasm_f64x2_add(s20, wasm_f64x2_mul(a2, b0));
        s21 = wasm_f64x2_add(s21, wasm_f64x2_mul(a2, b1));
      }
      if (R > 3) {
        f64x2 a3 = splat(pq[3]);
        s30 = wasm_f64x2_add(s30, wasm_f64x2_mul(a3, b0));
        s31 = wasm_f64x2_add(s31, wasm_f64x2_mul(a3, b1));
      }
    }
    double *c0 = c + i0 * ldc + j;
    st(c0, wasm_f64x2_add(ld(c0), s00));
    st(c0 + 2, wasm_f64x2_add(ld(c0 + 2), s01));
    if (R > 1) {
      double *c1 = c0 + ldc;
      st(c1, wasm_f64x2_add(ld(c1), s10));
      st(c1 + 2, wasm_f64x2_add(ld(c1 + 2), s11));
    }
    if (R > 2) {
      double *c2 = c0 + 2 * ldc;
      st(c2, wasm_f64x2_add(ld(c2), s20));
      st(c2 + 2, wasm_f64x2_add(ld(c2 + 2), s21));
    }
    if (R > 3) {
      double *c3 = c0 + 3 * ldc;
      st(c3, wasm_f64x2_add(ld(c3), s30));
      st(c3 + 2, wasm_f64x2_add(ld(c3 + 2), s31));
    }
  }
  /* The last 1-3 columns, one at a time. */
  for (; j < n; j++) {
    double s[4] = {0, 0, 0, 0};
    for (int q = 0; q < cnt; q++) {
      double bv = b[terms[q] * ldb + j];
      for (int r = 0; r < R; r++) s[r] += pack[q * 4 + r] * bv;
    }
    for (int r = 0; r < R; r++) c[(i0 + r) * ldc + j] += s[r];
  }
}

/* Dot products along rows of B (op(B) = B^T). */
static void transposed_b(int m, int n, int k, double alpha, const double *a, int ai, int ap,
                         const double *b, int ldb, double *c, int ldc, double *row) {
  for (int i = 0; i < m; i++) {
    for (int p = 0; p < k; p++) row[p] = a[i * ai + p * ap];
    for (int j = 0; j < n; j++) {
      const double *bj = b + j * ldb;
      f64x2 s0 = splat(0), s1 = splat(0);
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(ld(row + p), wasm_v128_load(bj + p)));
        s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(ld(row + p + 2), wasm_v128_load(bj + p + 2)));
      }
      f64x2 s = wasm_f64x2_add(s0, s1);
      double t = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
      for (; p < k; p++) t += row[p] * bj[p];
      c[i * ldc + j] += alpha * t;
    }
  }
}

/*
 * scratch: at least 5 * k doubles (the packed panel, its kept-term list and, for a
 * transposed B, one row of op(A)).
 */
EXPORT(dgemm)
void dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
           const double *b, int ldb, double beta, double *c, int ldc, double *scratch) {
  for (int i = 0; i < m; i++) {
    double *ci = c + i * ldc;
    if (beta == 0) {
      for (int j = 0; j < n; j++) ci[j] = 0;
    } else if (beta != 1) {
      f64x2 vb = splat(beta);
      int j = 0;
      for (; j + 2 <= n; j += 2) st(ci + j, wasm_f64x2_mul(ld(ci + j), vb));
      for (; j < n; j++) ci[j] *= beta;
    }
  }
  if (alpha == 0 || k == 0 || m == 0 || n == 0) return;
  /* Element (i, p) of op(A) is at ai * i + ap * p. */
  int ai = transA ? 1 : lda, ap = transA ? lda : 1;
  if (transB) {
    transposed_b(m, n, k, alpha, a, ai, ap, b, ldb, c, ldc, scratch);
    return;
  }
  double *pack = scratch;
  int32_t *terms = (int32_t *)(scratch + 4 * k);
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    int cnt = pack_panel(4, i, k, alpha, a, ai, ap, pack, terms);
    panel(4, i, n, cnt, pack, terms, b, ldb, c, ldc);
  }
  int R = m - i;
  if (R == 3) {
    int cnt = pack_panel(3, i, k, alpha, a, ai, ap, pack, terms);
    panel(3, i, n, cnt, pack, terms, b, ldb, c, ldc);
  } else if (R == 2) {
    int cnt = pack_panel(2, i, k, alpha, a, ai, ap, pack, terms);
    panel(2, i, n, cnt, pack, terms, b, ldb, c, ldc);
  } else if (R == 1) {
    int cnt = pack_panel(1, i, k, alpha, a, ai, ap, pack, terms);
    panel(1, i, n, cnt, pack, terms, b, ldb, c, ldc);
  }
}
