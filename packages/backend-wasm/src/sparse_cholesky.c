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
#include "cholesky_tile.h"

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
                           const int32_t *updB, const int32_t *runPtr,
                           const int32_t *runStart, int lanes, double *values, double *rhs,
                           uint8_t *status) {
  Plan P = {n, colPtr, rowIdx, updPtr, updTarget, updA, updB, runPtr, runStart};
  int p = 0;
  for (; p + 8 <= lanes; p += 8) cholesky_tile(4, &P, lanes, p, values, rhs, status);
  for (; p + 2 <= lanes; p += 2) cholesky_tile(1, &P, lanes, p, values, rhs, status);
  if (p < lanes) single_lane(&P, lanes, p, values, rhs, status);
}
