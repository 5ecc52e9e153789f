/*
 * Squared norms of groups of rows, per column (see Solver.groupedSquaredNorms): the
 * bootstrap's per-pixel quadratic forms |F_j d|^2 and residual sums of squares.
 * Two columns per f64x2, four rows per pass over a group's columns; the additions run
 * in the TypeScript kernel's order, out + (((a0^2 + a1^2) + a2^2) + a3^2) per block of
 * four rows then the remaining rows one by one, so both give identical results.
 */
#include "kernels.h"

EXPORT(grouped_squared_norms)
void grouped_squared_norms(int groups, int groupRows, int width, const double *a, int lda,
                           double *out, int ldOut, int sqrt) {
  for (int g = 0; g < groups; g++) {
    double *o = out + g * ldOut;
    for (int l = 0; l < width; l++) o[l] = 0;
    int r = 0;
    for (; r + 4 <= groupRows; r += 4) {
      const double *a0 = a + (g * groupRows + r) * lda, *a1 = a0 + lda, *a2 = a1 + lda,
                   *a3 = a2 + lda;
      int l = 0;
      for (; l + 2 <= width; l += 2) {
        f64x2 x0 = ld(a0 + l), x1 = ld(a1 + l), x2 = ld(a2 + l), x3 = ld(a3 + l);
        f64x2 t = wasm_f64x2_add(wasm_f64x2_mul(x0, x0), wasm_f64x2_mul(x1, x1));
        t = wasm_f64x2_add(t, wasm_f64x2_mul(x2, x2));
        t = wasm_f64x2_add(t, wasm_f64x2_mul(x3, x3));
        st(o + l, wasm_f64x2_add(ld(o + l), t));
      }
      for (; l < width; l++) {
        double t = a0[l] * a0[l] + a1[l] * a1[l];
        t = t + a2[l] * a2[l];
        t = t + a3[l] * a3[l];
        o[l] += t;
      }
    }
    for (; r < groupRows; r++) {
      const double *a0 = a + (g * groupRows + r) * lda;
      int l = 0;
      for (; l + 2 <= width; l += 2) {
        f64x2 x0 = ld(a0 + l);
        st(o + l, wasm_f64x2_add(ld(o + l), wasm_f64x2_mul(x0, x0)));
      }
      for (; l < width; l++) o[l] += a0[l] * a0[l];
    }
    if (sqrt) {
      int l = 0;
      for (; l + 2 <= width; l += 2) st(o + l, wasm_f64x2_sqrt(ld(o + l)));
      for (; l < width; l++) o[l] = __builtin_sqrt(o[l]);
    }
  }
}
