/*
 * Pass 2 of a deramp fused with the RMS sums (see Solver.removeRampRows), four pixels at a
 * time: the ramp a + t (b + t q) in float64 (the TypeScript kernel's order of operations,
 * so the stored float32 values are identical), subtracted where the value is not exactly
 * zero, rounded to float32 and stored; then the squares of the stored values, kept by the
 * mask and not NaN, summed in float64 (in a different order than the TypeScript loop: sums
 * agree to rounding). Data row i uses mask row (maskRow0 + i) % maskRows (mask 0 = none).
 */
#include "kernels.h"

EXPORT(remove_ramp_rows)
void remove_ramp_rows(int rows, int width, float *data, const double *coeffs, const double *u,
                      const uint8_t *mask, int maskRows, int maskRow0, double *sumSq,
                      double *count) {
  const v128_t zeroi = wasm_i32x4_splat(0), zerof = wasm_f32x4_splat(0);
  for (int i = 0; i < rows; i++) {
    const f64x2 a = splat(coeffs[3 * i]), b = splat(coeffs[3 * i + 1]);
    const f64x2 q = splat(coeffs[3 * i + 2]);
    float *d = data + i * width;
    const uint8_t *m = mask ? mask + ((maskRow0 + i) % maskRows) * width : 0;
    f64x2 s0 = splat(0), s1 = splat(0);
    v128_t n4 = zeroi;
    int c = 0;
    for (; c + 4 <= width; c += 4) {
      v128_t x = wasm_v128_load(d + c);
      f64x2 lo = wasm_f64x2_promote_low_f32x4(x);
      f64x2 hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3));
      f64x2 t0 = ld(u + c), t1 = ld(u + c + 2);
      lo = wasm_f64x2_sub(lo, wasm_f64x2_add(a, wasm_f64x2_mul(t0, wasm_f64x2_add(b, wasm_f64x2_mul(t0, q)))));
      hi = wasm_f64x2_sub(hi, wasm_f64x2_add(a, wasm_f64x2_mul(t1, wasm_f64x2_add(b, wasm_f64x2_mul(t1, q)))));
      v128_t r = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo),
                                    wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
      // Exact zeros stay zero (and keep their sign, as the TypeScript kernel leaves them).
      r = wasm_v128_bitselect(x, r, wasm_f32x4_eq(x, zerof));
      wasm_v128_store(d + c, r);
      v128_t keep = wasm_f32x4_eq(r, r);
      if (m) keep = wasm_v128_and(keep, mask_lanes(m + c));
      add_kept_squares(r, keep, &s0, &s1, &n4);
    }
    double t = sum_lanes(s0, s1);
    int n = count_lanes(n4);
    for (; c < width; c++) {
      const double x = d[c];
      if (x != 0) {
        const double tc = u[c];
        d[c] = (float)(x - (coeffs[3 * i] + tc * (coeffs[3 * i + 1] + tc * coeffs[3 * i + 2])));
      }
      const double r = d[c];
      if (r == r && (!m || m[c] != 0)) {
        t += r * r;
        n++;
      }
    }
    sumSq[i] = t;
    count[i] = n;
  }
}
