/*
 * cos and sin sums of the temporal coherence (see temporal_coherence.c): the TypeScript
 * kernel's range reduction and polynomials, operation for operation. Shared by
 * temporal_coherence.c and network_lanes.c.
 */
#ifndef VINSAR_COHERENCE_POLY_H
#define VINSAR_COHERENCE_POLY_H

#include "kernels.h"

#define INV_PI 0.3183098861837907
#define PI_HI 3.141592653589793
#define PI_LO 1.2246467991473532e-16
#define S1 0.9999999998895721
#define S3 -0.16666666541216288
#define S5 0.008333329259401782
#define S7 -0.00019840702394316456
#define S9 2.751883665691457e-06
#define S11 -2.3794433812174276e-08
#define C0 0.999999999999264
#define C2 -0.499999999970198
#define C4 0.041666666473137604
#define C6 -0.001388888417553906
#define C8 2.4801040294439303e-05
#define C10 -2.752468357125615e-07
#define C12 1.990768438986379e-09

#define ADD wasm_f64x2_add
#define SUB wasm_f64x2_sub
#define MUL wasm_f64x2_mul

/* Accumulate use * cos(e) and use * sin(e) into *sc, *ss. */
INLINE void accumulate(f64x2 e, f64x2 u, f64x2 *sc, f64x2 *ss) {
  f64x2 n = wasm_f64x2_nearest(MUL(e, splat(INV_PI)));
  f64x2 r = SUB(SUB(e, MUL(n, splat(PI_HI))), MUL(n, splat(PI_LO)));
  f64x2 h = MUL(n, splat(0.5));
  f64x2 f = SUB(h, wasm_f64x2_nearest(h));
  f64x2 su = MUL(SUB(splat(1), MUL(MUL(splat(8), f), f)), u);
  f64x2 r2 = MUL(r, r);
  f64x2 s = ADD(splat(S9), MUL(r2, splat(S11)));
  s = ADD(splat(S7), MUL(r2, s));
  s = ADD(splat(S5), MUL(r2, s));
  s = ADD(splat(S3), MUL(r2, s));
  s = MUL(r, ADD(splat(S1), MUL(r2, s)));
  f64x2 c = ADD(splat(C10), MUL(r2, splat(C12)));
  c = ADD(splat(C8), MUL(r2, c));
  c = ADD(splat(C6), MUL(r2, c));
  c = ADD(splat(C4), MUL(r2, c));
  c = ADD(splat(C2), MUL(r2, c));
  c = ADD(splat(C0), MUL(r2, c));
  *sc = ADD(*sc, MUL(su, c));
  *ss = ADD(*ss, MUL(su, s));
}

/* out = n > 0 ? sqrt(sc^2 + ss^2) / n : 0 for two lanes. */
INLINE f64x2 finish(f64x2 sc, f64x2 ss, f64x2 n) {
  f64x2 v = wasm_f64x2_div(wasm_f64x2_sqrt(ADD(MUL(sc, sc), MUL(ss, ss))), n);
  return wasm_v128_and(v, wasm_f64x2_gt(n, splat(0)));
}

#endif
