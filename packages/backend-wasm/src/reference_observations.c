/*
 * MintPy's referencing of a block of observations, in place (see
 * Solver.referenceObservations): four values at a time, v != 0 becomes v - ref in float32,
 * then 0 becomes NaN when zero means no data, and each pixel counts its valid values.
 */
#include "kernels.h"

EXPORT(reference_observations)
void reference_observations(int numObs, int pixels, float *phase, const float *ref,
                            int zeroIsNoData, int32_t *count) {
  __builtin_memset(count, 0, (unsigned long)pixels * sizeof(int32_t));
  const v128_t zero = wasm_f32x4_splat(0), nan = wasm_f32x4_splat(__builtin_nanf(""));
  for (int k = 0; k < numObs; k++) {
    float *row = phase + (long)k * pixels;
    const float r = ref[k];
    const v128_t rv = wasm_f32x4_splat(r);
    int p = 0;
    for (; p + 4 <= pixels; p += 4) {
      v128_t v = wasm_v128_load(row + p);
      v128_t x = wasm_v128_bitselect(wasm_f32x4_sub(v, rv), zero, wasm_f32x4_ne(v, zero));
      if (zeroIsNoData) x = wasm_v128_bitselect(nan, x, wasm_f32x4_eq(x, zero));
      wasm_v128_store(row + p, x);
      /* A valid lane is all ones (-1): subtracting counts it. */
      v128_t c = wasm_v128_load(count + p);
      wasm_v128_store(count + p, wasm_i32x4_sub(c, wasm_f32x4_eq(x, x)));
    }
    for (; p < pixels; p++) {
      float v = row[p];
      float x = v != 0 ? v - r : 0;
      if (zeroIsNoData && x == 0) x = __builtin_nanf("");
      row[p] = x;
      count[p] += x == x;
    }
  }
}
