/*
 * The tile of the batched sparse Cholesky (see sparse_cholesky.c): factorization and both
 * substitutions of 2V lanes (V f64x2 vectors, V <= 4) of a lane-fastest batch whose
 * stride is `lanes`. Shared by sparse_cholesky.c and network_lanes.c.
 */
#ifndef VINSAR_CHOLESKY_TILE_H
#define VINSAR_CHOLESKY_TILE_H

#include "kernels.h"

typedef struct {
  int n;
  const int32_t *colPtr, *rowIdx, *updPtr, *updT, *updA, *updB, *runPtr, *runStart;
} Plan;

/* Factor and solve lanes p0 .. p0 + 2V - 1 (V f64x2 vectors); fail[v] collects the
 * lanes whose pivot was not positive. */
INLINE void cholesky_tile(int V, const Plan *P, int lanes, int p0, double *values, double *rhs,
                 uint8_t *status) {
  const f64x2 zero = splat(0), one = splat(1);
  f64x2 fail[4] = {zero, zero, zero, zero};
  double *val = values + p0, *x = rhs + p0;
  for (int j = 0; j < P->n; j++) {
    /* One run per target: the target stays in registers over its updates (same
     * subtractions in the same order as one update at a time). */
    for (int r = P->runPtr[j]; r < P->runPtr[j + 1]; r++) {
      int u0 = P->runStart[r], u1 = P->runStart[r + 1];
      double *t = val + P->updT[u0] * lanes;
      f64x2 acc[4];
      for (int v = 0; v < V; v++) acc[v] = ld(t + 2 * v);
      for (int u = u0; u < u1; u++) {
        const double *a = val + P->updA[u] * lanes, *b = val + P->updB[u] * lanes;
        for (int v = 0; v < V; v++) {
          acc[v] = wasm_f64x2_sub(acc[v], wasm_f64x2_mul(ld(a + 2 * v), ld(b + 2 * v)));
        }
      }
      for (int v = 0; v < V; v++) st(t + 2 * v, acc[v]);
    }
    int c0 = P->colPtr[j], c1 = P->colPtr[j + 1];
    double *d = val + c0 * lanes;
    f64x2 dv[4];
    for (int v = 0; v < V; v++) {
      f64x2 y = ld(d + 2 * v);
      f64x2 ok = wasm_f64x2_gt(y, zero); /* false for NaN too */
      fail[v] = wasm_v128_or(fail[v], wasm_v128_not(ok));
      dv[v] = wasm_v128_bitselect(wasm_f64x2_sqrt(y), one, ok);
      st(d + 2 * v, dv[v]);
    }
    for (int e = c0 + 1; e < c1; e++) {
      double *o = val + e * lanes;
      for (int v = 0; v < V; v++) st(o + 2 * v, wasm_f64x2_div(ld(o + 2 * v), dv[v]));
    }
  }
  /* Forward substitution L y = b, column by column. */
  for (int j = 0; j < P->n; j++) {
    int c0 = P->colPtr[j], c1 = P->colPtr[j + 1];
    const double *d = val + c0 * lanes;
    double *xj = x + j * lanes;
    f64x2 y[4];
    for (int v = 0; v < V; v++) {
      y[v] = wasm_f64x2_div(ld(xj + 2 * v), ld(d + 2 * v));
      st(xj + 2 * v, y[v]);
    }
    for (int e = c0 + 1; e < c1; e++) {
      const double *o = val + e * lanes;
      double *xi = x + P->rowIdx[e] * lanes;
      for (int v = 0; v < V; v++) {
        st(xi + 2 * v, wasm_f64x2_sub(ld(xi + 2 * v), wasm_f64x2_mul(ld(o + 2 * v), y[v])));
      }
    }
  }
  /* Back substitution L^T x = y. */
  for (int j = P->n - 1; j >= 0; j--) {
    int c0 = P->colPtr[j], c1 = P->colPtr[j + 1];
    double *xj = x + j * lanes;
    f64x2 s[4];
    for (int v = 0; v < V; v++) s[v] = ld(xj + 2 * v);
    for (int e = c0 + 1; e < c1; e++) {
      const double *o = val + e * lanes, *xi = x + P->rowIdx[e] * lanes;
      for (int v = 0; v < V; v++) {
        s[v] = wasm_f64x2_sub(s[v], wasm_f64x2_mul(ld(o + 2 * v), ld(xi + 2 * v)));
      }
    }
    const double *d = val + c0 * lanes;
    for (int v = 0; v < V; v++) st(xj + 2 * v, wasm_f64x2_div(s[v], ld(d + 2 * v)));
  }
  for (int v = 0; v < V; v++) {
    status[p0 + 2 * v] = wasm_i64x2_extract_lane(fail[v], 0) != 0;
    status[p0 + 2 * v + 1] = wasm_i64x2_extract_lane(fail[v], 1) != 0;
  }
}

#endif
