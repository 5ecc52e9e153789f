/*
 * Shared definitions of vinsar's WASM SIMD kernels. No libc: only clang's freestanding
 * headers. Every kernel mirrors a function of packages/backend-ts with the same argument
 * order; arrays are pointers into the module's linear memory, placed there by mod.ts.
 * Batched arrays are lane-fastest: item i of pixel p in a batch of `lanes` at i*lanes+p.
 */
#ifndef VINSAR_KERNELS_H
#define VINSAR_KERNELS_H

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))
#define INLINE static inline __attribute__((always_inline))

typedef v128_t f64x2;

INLINE f64x2 ld(const double *p) { return wasm_v128_load(p); }
INLINE void st(double *p, f64x2 v) { wasm_v128_store(p, v); }
INLINE f64x2 splat(double x) { return wasm_f64x2_splat(x); }

/* The sum of all four lanes of two f64x2 accumulators: (a + b), then its two lanes. */
INLINE double sum_lanes(f64x2 a, f64x2 b) {
  f64x2 s = wasm_f64x2_add(a, b);
  return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
}

/*
 * Add the squares (in float64) of the float32 lanes of x that `keep` selects (all-ones lanes)
 * to s0 (lanes 0, 1) and s1 (lanes 2, 3), and count them in n4.
 */
INLINE void add_kept_squares(v128_t x, v128_t keep, f64x2 *s0, f64x2 *s1, v128_t *n4) {
  *n4 = wasm_i32x4_sub(*n4, keep);
  v128_t xv = wasm_v128_and(x, keep);
  f64x2 lo = wasm_f64x2_promote_low_f32x4(xv);
  f64x2 hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(xv, xv, 2, 3, 2, 3));
  *s0 = wasm_f64x2_add(*s0, wasm_f64x2_mul(lo, lo));
  *s1 = wasm_f64x2_add(*s1, wasm_f64x2_mul(hi, hi));
}

/* Four mask bytes as i32 lanes: all ones where the byte is not 0. */
INLINE v128_t mask_lanes(const uint8_t *m) {
  v128_t b = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(m)));
  return wasm_v128_not(wasm_i32x4_eq(b, wasm_i32x4_splat(0)));
}

/* The sum of the four i32 lanes of a counter. */
INLINE int count_lanes(v128_t n) {
  return wasm_i32x4_extract_lane(n, 0) + wasm_i32x4_extract_lane(n, 1) +
         wasm_i32x4_extract_lane(n, 2) + wasm_i32x4_extract_lane(n, 3);
}

#endif
