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

#endif
