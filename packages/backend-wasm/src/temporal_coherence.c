/*
 * Batched temporal coherence |sum_k use_k exp(j e_k)| / sum_k use_k of the network
 * residuals e_k = obs_k - (ts[date2] - ts[date1]) (see Solver.temporalCoherence).
 *
 * cos and sin come from the TypeScript kernel's scheme, operation for operation: reduce
 * e by the nearest multiple n of pi (f64x2.nearest rounds half to even, as the 1.5 * 2^52
 * trick does there), evaluate degree-11/12 polynomials on [-pi/2, pi/2], and flip the sign
 * for odd n. Eight lanes at a time (four independent f64x2 chains, which the CPU overlaps)
 * keep the three sums in registers over all observations.
 */
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

/* Lanes p .. p + 2V - 1. */
INLINE void tile(int V, int numObs, int lanes, int p, const int32_t *date1,
                 const int32_t *date2, const double *obs, const double *use, const double *ts,
                 double *out) {
  f64x2 sc[4], ss[4], cnt[4];
  for (int v = 0; v < V; v++) sc[v] = ss[v] = cnt[v] = splat(0);
  for (int k = 0; k < numObs; k++) {
    const double *y = obs + k * lanes + p, *u = use + k * lanes + p;
    const double *ta = ts + date1[k] * lanes + p, *tb = ts + date2[k] * lanes + p;
    for (int v = 0; v < V; v++) {
      f64x2 uv = ld(u + 2 * v);
      f64x2 e = SUB(ld(y + 2 * v), SUB(ld(tb + 2 * v), ld(ta + 2 * v)));
      accumulate(e, uv, &sc[v], &ss[v]);
      cnt[v] = ADD(cnt[v], uv);
    }
  }
  for (int v = 0; v < V; v++) st(out + p + 2 * v, finish(sc[v], ss[v], cnt[v]));
}

EXPORT(temporal_coherence)
void temporal_coherence(int numObs, int numDates, int lanes, const int32_t *date1,
                        const int32_t *date2, const double *obs, const double *use,
                        const double *ts, double *out) {
  (void)numDates;
  int p = 0;
  for (; p + 8 <= lanes; p += 8) tile(4, numObs, lanes, p, date1, date2, obs, use, ts, out);
  for (; p + 2 <= lanes; p += 2) tile(1, numObs, lanes, p, date1, date2, obs, use, ts, out);
  if (p < lanes) {
    /* The last odd lane: both halves of a vector hold it, one is stored. */
    f64x2 sc = splat(0), ss = splat(0), cnt = splat(0);
    for (int k = 0; k < numObs; k++) {
      int o = k * lanes + p;
      f64x2 uv = splat(use[o]);
      f64x2 e = splat(obs[o] - (ts[date2[k] * lanes + p] - ts[date1[k] * lanes + p]));
      accumulate(e, uv, &sc, &ss);
      cnt = ADD(cnt, uv);
    }
    out[p] = wasm_f64x2_extract_lane(finish(sc, ss, cnt), 0);
  }
}
