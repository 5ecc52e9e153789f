/*
 * Batched sparse Cholesky factorization and solve over pixel lanes sharing one symbolic
 * plan (see Solver.sparseCholeskySolve and packages/core/cholesky_plan.ts).
 *
 * The lanes are processed in tiles of 8 (four f64x2 registers): a tile runs the whole
 * factorization and both substitutions before the next one starts, so its slice of L
 * (nnz x 64 bytes) stays in the first-level cache while the schedule is replayed. Each
 * lane sees exactly the operations of the TypeScript kernel in the same order, so both
 * backends give bit-identical results. Left-over lanes use tiles of 2, then 1.
 */
#include "kernels.h"

typedef struct {
  int n;
  const int32_t *colPtr, *rowIdx, *updPtr, *updT, *updA, *updB;
} Plan;

/* Factor and solve lanes p0 .. p0 + 2V - 1 (V f64x2 vectors); fail[v] collects the
 * lanes whose pivot was not positive. */
INLINE void tile(int V, const Plan *P, int lanes, int p0, double *values, double *rhs,
                 uint8_t *status) {
  const f64x2 zero = splat(0), one = splat(1);
  f64x2 fail[4] = {zero, zero, zero, zero};
  double *val = values + p0, *x = rhs + p0;
  for (int j = 0; j < P->n; j++) {
    int u1 = P->updPtr[j + 1];
    for (int u = P->updPtr[j]; u < u1; u++) {
      double *t = val + P->updT[u] * lanes;
      const double *a = val + P->updA[u] * lanes, *b = val + P->updB[u] * lanes;
      for (int v = 0; v < V; v++) {
        st(t + 2 * v, wasm_f64x2_sub(ld(t + 2 * v), wasm_f64x2_mul(ld(a + 2 * v), ld(b + 2 * v))));
      }
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

/* The last odd lane, in scalar code with the same operations. */
static void single_lane(const Plan *P, int lanes, int p, double *values, double *rhs,
                        uint8_t *status) {
  double *val = values + p, *x = rhs + p;
  uint8_t fail = 0;
  for (int j = 0; j < P->n; j++) {
    for (int u = P->updPtr[j]; u < P->updPtr[j + 1]; u++) {
      val[P->updT[u] * lanes] -= val[P->updA[u] * lanes] * val[P->updB[u] * lanes];
    }
    double *d = val + P->colPtr[j] * lanes;
    double y = *d;
    if (!(y > 0)) {
      fail = 1;
      *d = 1;
    } else {
      *d = __builtin_sqrt(y);
    }
    for (int e = P->colPtr[j] + 1; e < P->colPtr[j + 1]; e++) val[e * lanes] /= *d;
  }
  for (int j = 0; j < P->n; j++) {
    double y = x[j * lanes] /= val[P->colPtr[j] * lanes];
    for (int e = P->colPtr[j] + 1; e < P->colPtr[j + 1]; e++) {
      x[P->rowIdx[e] * lanes] -= val[e * lanes] * y;
    }
  }
  for (int j = P->n - 1; j >= 0; j--) {
    double s = x[j * lanes];
    for (int e = P->colPtr[j] + 1; e < P->colPtr[j + 1]; e++) {
      s -= val[e * lanes] * x[P->rowIdx[e] * lanes];
    }
    x[j * lanes] = s / val[P->colPtr[j] * lanes];
  }
  status[p] = fail;
}

EXPORT(sparse_cholesky_solve)
void sparse_cholesky_solve(int n, const int32_t *colPtr, const int32_t *rowIdx,
                           const int32_t *updPtr, const int32_t *updTarget, const int32_t *updA,
                           const int32_t *updB, int lanes, double *values, double *rhs,
                           uint8_t *status) {
  Plan P = {n, colPtr, rowIdx, updPtr, updTarget, updA, updB};
  int p = 0;
  for (; p + 8 <= lanes; p += 8) tile(4, &P, lanes, p, values, rhs, status);
  for (; p + 2 <= lanes; p += 2) tile(1, &P, lanes, p, values, rhs, status);
  if (p < lanes) single_lane(&P, lanes, p, values, rhs, status);
}
