/*
 * The fused least-squares fit of float32 series (see Solver.fitSeriesFloat32), four pixels
 * at a time: one pass over the dates references and widens the four values of each date
 * (kept in `scratch` for the second pass) while summing them into the pixel sums and the
 * parameters, the second pass forms the residual and its sum of squares. Every float64
 * operation happens in the order of the TypeScript kernel, so both give identical results;
 * the pixels left over (lanes % 4) run the same steps one at a time.
 *
 * Layout in this module's memory: date k of pixel l at data[rowOff[k] + l] (the rows of a
 * block read in place, or of a slab the binding gathered), the reference row `ref` (0 =
 * none) likewise, the residual of date k at residual[rowOff[k] + l] (`residual` may be
 * `data`); params and std `p x lanes`; `stdScale` 0 = no std.
 * scratch: `4 * (n + p)` doubles. Returns the number of pixels listed in `special`.
 */
#include "kernels.h"

/*
 * Four pixels [l, l + 4) with P parameters: the accumulators stay in registers when P is
 * a compile-time constant (the small models), in `acc` (4 * P doubles) otherwise. PLAIN: no
 * reference, every shift +0 and a unit scale, so ((x - 0) - 0) * 1 is x itself and is skipped.
 */
INLINE void fit_group(const int P, const int PLAIN, int n, int lanes, int l, const float *data,
                      const int32_t *rowOff, const float *ref, const double *shift, f64x2 sc,
                      const double *pinv, const double *design, double *params, double *sums,
                      double *e2, float *residual,
                      const double *stdScale, double *std, double *restrict d,
                      f64x2 *restrict accMem) {
  // A local array for the constant small P: clang keeps it in registers.
  f64x2 local[12];
  f64x2 *restrict acc = P <= 6 ? local : accMem;
  f64x2 r0 = splat(0), r1 = splat(0);
  if (ref) {
    v128_t x = wasm_v128_load(ref + l);
    r0 = wasm_f64x2_promote_low_f32x4(x);
    r1 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3));
  }
  for (int j = 0; j < 2 * P; j++) acc[j] = splat(0);
  f64x2 s0 = splat(0), s1 = splat(0);
  for (int k = 0; k < n; k++) {
    v128_t x = wasm_v128_load(data + rowOff[k] + l);
    const f64x2 sh = splat(shift[k]);
    f64x2 a = wasm_f64x2_promote_low_f32x4(x);
    f64x2 b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3));
    if (!PLAIN) {
      a = wasm_f64x2_mul(wasm_f64x2_sub(wasm_f64x2_sub(a, r0), sh), sc);
      b = wasm_f64x2_mul(wasm_f64x2_sub(wasm_f64x2_sub(b, r1), sh), sc);
    }
    st(d + 4 * k, a);
    st(d + 4 * k + 2, b);
    s0 = wasm_f64x2_add(s0, a);
    s1 = wasm_f64x2_add(s1, b);
    for (int j = 0; j < P; j++) {
      const f64x2 c = splat(pinv[j * n + k]);
      acc[2 * j] = wasm_f64x2_add(acc[2 * j], wasm_f64x2_mul(c, a));
      acc[2 * j + 1] = wasm_f64x2_add(acc[2 * j + 1], wasm_f64x2_mul(c, b));
    }
  }
  st(sums + l, s0);
  st(sums + l + 2, s1);
  for (int j = 0; j < P; j++) {
    st(params + j * lanes + l, acc[2 * j]);
    st(params + j * lanes + l + 2, acc[2 * j + 1]);
  }
  f64x2 e0 = splat(0), e1 = splat(0);
  // The residual is written only for the pixels whose sum is a number (see the Solver docs).
  const v128_t keep = wasm_i32x4_shuffle(wasm_f64x2_eq(s0, s0), wasm_f64x2_eq(s1, s1), 0, 2, 4, 6);
  const int keepAll = wasm_i32x4_all_true(keep);
  for (int k = 0; k < n; k++) {
    f64x2 a = ld(d + 4 * k), b = ld(d + 4 * k + 2);
    for (int j = 0; j < P; j++) {
      const f64x2 g = splat(design[k * P + j]);
      a = wasm_f64x2_sub(a, wasm_f64x2_mul(g, acc[2 * j]));
      b = wasm_f64x2_sub(b, wasm_f64x2_mul(g, acc[2 * j + 1]));
    }
    e0 = wasm_f64x2_add(e0, wasm_f64x2_mul(a, a));
    e1 = wasm_f64x2_add(e1, wasm_f64x2_mul(b, b));
    if (residual) {
      v128_t lo = wasm_f32x4_demote_f64x2_zero(a), hi = wasm_f32x4_demote_f64x2_zero(b);
      v128_t r = wasm_i32x4_shuffle(lo, hi, 0, 1, 4, 5);
      float *out = residual + rowOff[k] + l;
      if (!keepAll) r = wasm_v128_bitselect(r, wasm_v128_load(out), keep);
      wasm_v128_store(out, r);
    }
  }
  st(e2 + l, e0);
  st(e2 + l + 2, e1);
  if (stdScale) {
    for (int j = 0; j < P; j++) {
      const f64x2 c = splat(stdScale[j]);
      st(std + j * lanes + l, wasm_f64x2_sqrt(wasm_f64x2_mul(c, e0)));
      st(std + j * lanes + l + 2, wasm_f64x2_sqrt(wasm_f64x2_mul(c, e1)));
    }
  }
}

/* All groups of four pixels of a call, for P parameters (see fit_group). */
#define FIT_GROUPS(P, PLAIN)                                                               \
  for (; l + 4 <= lanes; l += 4)                                                           \
    fit_group(P, PLAIN, n, lanes, l, data, rowOff, ref, shift, sc, pinv, design, params,  \
              sums, e2, residual, stdScale, std, d, acc)

/* FIT_GROUPS for the run-time `p`, with the constant P of the small models. */
#define FIT_ALL_GROUPS(PLAIN)                   \
  switch (p) {                                  \
    case 1: FIT_GROUPS(1, PLAIN); break;        \
    case 2: FIT_GROUPS(2, PLAIN); break;        \
    case 3: FIT_GROUPS(3, PLAIN); break;        \
    case 4: FIT_GROUPS(4, PLAIN); break;        \
    case 5: FIT_GROUPS(5, PLAIN); break;        \
    case 6: FIT_GROUPS(6, PLAIN); break;        \
    default: FIT_GROUPS(p, PLAIN); break;       \
  }

EXPORT(fit_series_f32)
int fit_series_f32(int n, int p, int lanes, const float *data, const int32_t *rowOff,
                   const float *ref, const double *shift, double scale, const double *pinv,
                   const double *design, double *params, double *sums, double *e2,
                   float *residual, const double *stdScale,
                   double *std, int32_t *special, int32_t *specialNaN, double *specialSum,
                   double *restrict scratch) {
  double *restrict d = scratch;
  f64x2 *restrict acc = (f64x2 *)(scratch + 4 * n);
  const f64x2 sc = splat(scale);
  // +0 shifts only (a -0 shift turns a -0 value into +0).
  int plain = !ref && scale == 1.0;
  for (int k = 0; k < n && plain; k++) plain = shift[k] == 0.0 && !__builtin_signbit(shift[k]);
  int l = 0;
  if (plain) {
    FIT_ALL_GROUPS(1)
  } else {
    FIT_ALL_GROUPS(0)
  }
  double *restrict a1 = scratch + 4 * n;
  for (; l < lanes; l++) {
    const double r = ref ? (double)ref[l] : 0.0;
    double s = 0;
    for (int j = 0; j < p; j++) a1[j] = 0;
    for (int k = 0; k < n; k++) {
      const double v = (((double)data[rowOff[k] + l] - r) - shift[k]) * scale;
      d[k] = v;
      s += v;
      for (int j = 0; j < p; j++) a1[j] += pinv[j * n + k] * v;
    }
    sums[l] = s;
    double e = 0;
    for (int j = 0; j < p; j++) params[j * lanes + l] = a1[j];
    for (int k = 0; k < n; k++) {
      double v = d[k];
      for (int j = 0; j < p; j++) v -= design[k * p + j] * a1[j];
      e += v * v;
      if (residual && s == s) residual[rowOff[k] + l] = (float)v;
    }
    e2[l] = e;
    if (stdScale) {
      for (int j = 0; j < p; j++) std[j * lanes + l] = __builtin_sqrt(stdScale[j] * e);
    }
  }
  /* The special pixels, from the data still in place (a residual is not written over
     pixels with a NaN sum, the only ones read again here). */
  int count = 0;
  for (int i = 0; i < lanes; i++) {
    const double v = sums[i];
    if (v == v && v != 0) continue;
    int nan = 0;
    double valid = 0;
    if (v != v) {
      const double r = ref ? (double)ref[i] : 0.0;
      for (int k = 0; k < n; k++) {
        const double x = (((double)data[rowOff[k] + i] - r) - shift[k]) * scale;
        if (x == x) valid += x;
        else nan++;
      }
    }
    specialNaN[count] = nan;
    specialSum[count] = valid;
    special[count++] = i;
  }
  return count;
}
