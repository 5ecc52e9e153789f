/*
 * The per-row sums of a deramp fit over float32 image rows (see Solver.rampRowSums).
 * Each row is cleaned four pixels at a time (f32x4: finite, non-zero and in the mask, as
 * lane masks) into a float64 row of values (0 where not valid), listing the columns of the
 * (rare) bad pixels on the way; the values are then dotted with the sum basis rows, up to
 * four rows at a time with two f64x2 sums each, and the bad basis rows are summed over the
 * listed columns only, in column order (the TypeScript kernel's order: identical sums).
 */
#include "kernels.h"

/* out[j] = sum_c basis[j * width + c] * v[c] for R (1..4, constant after inlining) rows. */
INLINE void dots(int R, int width, const double *v, const double *basis, double *out) {
  const double *b0 = basis, *b1 = basis + width, *b2 = basis + 2 * width,
               *b3 = basis + 3 * width;
  f64x2 s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
  f64x2 t0 = splat(0), t1 = splat(0), t2 = splat(0), t3 = splat(0);
  int c = 0;
  for (; c + 4 <= width; c += 4) {
    f64x2 v0 = ld(v + c), v1 = ld(v + c + 2);
    s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(ld(b0 + c), v0));
    t0 = wasm_f64x2_add(t0, wasm_f64x2_mul(ld(b0 + c + 2), v1));
    if (R > 1) {
      s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(ld(b1 + c), v0));
      t1 = wasm_f64x2_add(t1, wasm_f64x2_mul(ld(b1 + c + 2), v1));
    }
    if (R > 2) {
      s2 = wasm_f64x2_add(s2, wasm_f64x2_mul(ld(b2 + c), v0));
      t2 = wasm_f64x2_add(t2, wasm_f64x2_mul(ld(b2 + c + 2), v1));
    }
    if (R > 3) {
      s3 = wasm_f64x2_add(s3, wasm_f64x2_mul(ld(b3 + c), v0));
      t3 = wasm_f64x2_add(t3, wasm_f64x2_mul(ld(b3 + c + 2), v1));
    }
  }
  f64x2 u[4] = {wasm_f64x2_add(s0, t0), wasm_f64x2_add(s1, t1), wasm_f64x2_add(s2, t2),
                wasm_f64x2_add(s3, t3)};
  for (int r = 0; r < R; r++) {
    double s = wasm_f64x2_extract_lane(u[r], 0) + wasm_f64x2_extract_lane(u[r], 1);
    for (int q = c; q < width; q++) s += basis[r * width + q] * v[q];
    out[r] = s;
  }
}

INLINE int valid_scalar(float d) { return d - d == 0 && d != 0; }

/* Dot `count` basis rows with v: out[j] = sum_c basis[j * width + c] * v[c]. */
static void row_dots(int count, int width, const double *v, const double *basis, double *out) {
  int j = 0;
  for (; j + 4 <= count; j += 4) dots(4, width, v, basis + j * width, out + j);
  switch (count - j) {
  case 3: dots(3, width, v, basis + j * width, out + j); break;
  case 2: dots(2, width, v, basis + j * width, out + j); break;
  case 1: dots(1, width, v, basis + j * width, out + j); break;
  default: break;
  }
}

/*
 * Arguments as Solver.rampRowSums (mask 0 = null), plus: maskRow0, the mask row of data
 * row 0 (data row i uses mask row (maskRow0 + i) % maskRows); scratch, 2 * `width` doubles
 * (the clean row, then the bad columns as int32).
 */
EXPORT(ramp_row_sums)
void ramp_row_sums(int rows, int width, const float *data, const uint8_t *mask, int maskRows,
                   const double *sumBasis, int numSum, const double *badBasis, int numBad,
                   double *sums, double *bad, int32_t *badCount, int maskRow0,
                   double *scratch) {
  double *v = scratch;
  int32_t *badCols = (int32_t *)(scratch + width);
  const v128_t zero = wasm_f32x4_splat(0), ones = wasm_i32x4_splat(-1);
  for (int i = 0; i < rows; i++) {
    const float *d = data + i * width;
    const uint8_t *m = mask ? mask + ((maskRow0 + i) % maskRows) * width : 0;
    int nbad = 0;
    int c = 0;
    for (; c + 4 <= width; c += 4) {
      v128_t x = wasm_v128_load(d + c);
      /* Finite (x - x is 0, not NaN) and non-zero. */
      v128_t ok = wasm_v128_and(wasm_f32x4_eq(wasm_f32x4_sub(x, x), zero),
                                wasm_f32x4_ne(x, zero));
      v128_t in = ones;
      if (m) in = mask_lanes(m + c);
      v128_t good = wasm_v128_and(ok, in);
      int badBits = wasm_i32x4_bitmask(wasm_v128_andnot(in, ok));
      if (badBits) {
        for (int j = 0; j < 4; j++) {
          if (badBits & (1 << j)) badCols[nbad++] = c + j;
        }
      }
      v128_t xv = wasm_v128_and(x, good);
      st(v + c, wasm_f64x2_promote_low_f32x4(xv));
      st(v + c + 2, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(xv, xv, 2, 3, 2, 3)));
    }
    for (; c < width; c++) {
      int in = !m || m[c] != 0, good = in && valid_scalar(d[c]);
      v[c] = good ? d[c] : 0;
      if (in && !good) badCols[nbad++] = c;
    }
    row_dots(numSum, width, v, sumBasis, sums + i * numSum);
    badCount[i] = nbad;
    double *bo = bad + i * numBad;
    for (int q = 0; q < numBad; q++) {
      const double *b = badBasis + q * width;
      double t = 0;
      for (int k = 0; k < nbad; k++) t += b[badCols[k]];
      bo[q] = t;
    }
  }
}
