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
#include "coherence_poly.h"

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
