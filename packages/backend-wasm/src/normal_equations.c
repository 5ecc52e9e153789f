/*
 * Batched weighted normal equations of an interferogram network scattered into the
 * pattern of L (see Solver.assembleNormalEquations): each interferogram adds its weight
 * to two diagonals, subtracts it from their coupling and adds -w*y / +w*y to the
 * right-hand side, two lanes per f64x2. Same operations and order as the TypeScript
 * kernel, hence identical sums.
 */
#include "kernels.h"

EXPORT(assemble_normal_equations)
void assemble_normal_equations(int nnz, int n, int numObs, const int32_t *diag1,
                               const int32_t *diag2, const int32_t *offDiag,
                               const int32_t *pos1, const int32_t *pos2, int lanes,
                               const double *obs, const double *weight, double *values,
                               double *rhs) {
  __builtin_memset(values, 0, (unsigned long)nnz * lanes * sizeof(double));
  __builtin_memset(rhs, 0, (unsigned long)n * lanes * sizeof(double));
  for (int k = 0; k < numObs; k++) {
    const double *w = weight + k * lanes, *y = obs + k * lanes;
    int e1 = diag1[k], e2 = diag2[k];
    double *d1 = values + e1 * lanes, *d2 = values + e2 * lanes;
    double *r1 = rhs + pos1[k] * lanes, *r2 = rhs + pos2[k] * lanes;
    int p = 0;
    if (e1 >= 0 && e2 >= 0) {
      double *od = values + offDiag[k] * lanes;
      for (; p + 2 <= lanes; p += 2) {
        f64x2 wv = ld(w + p), wy = wasm_f64x2_mul(wv, ld(y + p));
        st(d1 + p, wasm_f64x2_add(ld(d1 + p), wv));
        st(d2 + p, wasm_f64x2_add(ld(d2 + p), wv));
        st(od + p, wasm_f64x2_sub(ld(od + p), wv));
        st(r1 + p, wasm_f64x2_sub(ld(r1 + p), wy));
        st(r2 + p, wasm_f64x2_add(ld(r2 + p), wy));
      }
      for (; p < lanes; p++) {
        double wy = w[p] * y[p];
        d1[p] += w[p];
        d2[p] += w[p];
        od[p] -= w[p];
        r1[p] -= wy;
        r2[p] += wy;
      }
    } else if (e2 >= 0) {
      /* date1 is the reference date: only date2's unknown is involved. */
      for (; p + 2 <= lanes; p += 2) {
        f64x2 wv = ld(w + p);
        st(d2 + p, wasm_f64x2_add(ld(d2 + p), wv));
        st(r2 + p, wasm_f64x2_add(ld(r2 + p), wasm_f64x2_mul(wv, ld(y + p))));
      }
      for (; p < lanes; p++) {
        d2[p] += w[p];
        r2[p] += w[p] * y[p];
      }
    } else if (e1 >= 0) {
      for (; p + 2 <= lanes; p += 2) {
        f64x2 wv = ld(w + p);
        st(d1 + p, wasm_f64x2_add(ld(d1 + p), wv));
        st(r1 + p, wasm_f64x2_sub(ld(r1 + p), wasm_f64x2_mul(wv, ld(y + p))));
      }
      for (; p < lanes; p++) {
        d1[p] += w[p];
        r1[p] -= w[p] * y[p];
      }
    }
  }
}
