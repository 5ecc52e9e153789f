import { ok, strictEqual } from "node:assert/strict";
import { temporalCoherence } from "./temporal_coherence.ts";

Deno.test("temporal coherence matches |sum exp(j e)| / K with Math.cos/sin to 1e-10", () => {
  const K = 40, N = 12, lanes = 7;
  const d1 = new Int32Array(K), d2 = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    d1[k] = k % (N - 1);
    d2[k] = (k % (N - 1)) + 1 + (k % 3 === 0 && k % (N - 1) < N - 3 ? 1 : 0);
  }
  const obs = new Float64Array(K * lanes), use = new Float64Array(K * lanes);
  const ts = new Float64Array(N * lanes);
  for (let i = 0; i < K * lanes; i++) {
    // Residuals from tiny to many cycles (unwrapping errors), positive and negative.
    obs[i] = Math.sin(0.37 * i) * (i % 4 === 0 ? 300 : 2);
    use[i] = i % 9 === 4 ? 0 : 1;
  }
  for (let i = 0; i < N * lanes; i++) ts[i] = Math.cos(0.91 * i) * 20;
  const out = new Float64Array(lanes);
  temporalCoherence(K, N, lanes, d1, d2, obs, use, ts, out);
  for (let p = 0; p < lanes; p++) {
    let c = 0, s = 0, n = 0;
    for (let k = 0; k < K; k++) {
      if (!use[k * lanes + p]) continue;
      const e = obs[k * lanes + p]! - (ts[d2[k]! * lanes + p]! - ts[d1[k]! * lanes + p]!);
      c += Math.cos(e);
      s += Math.sin(e);
      n++;
    }
    const want = Math.hypot(c, s) / n;
    ok(Math.abs(out[p]! - want) < 1e-10, `lane ${p}: ${out[p]} vs ${want}`);
  }
});

Deno.test("zero residuals give coherence 1; a lane without observations gives 0", () => {
  const lanes = 2;
  const d1 = Int32Array.from([0, 0, 1]), d2 = Int32Array.from([1, 2, 2]);
  const ts = Float64Array.from([0, 0, 1, 1, 3, 3]); // dates 0..2, lanes interleaved
  const obs = Float64Array.from([1, 1, 3, 3, 2, 2]);
  const use = Float64Array.from([1, 0, 1, 0, 1, 0]);
  const out = new Float64Array(lanes);
  temporalCoherence(3, 3, lanes, d1, d2, obs, use, ts, out);
  ok(Math.abs(out[0]! - 1) < 1e-12);
  strictEqual(out[1], 0);
});
