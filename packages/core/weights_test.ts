import { ok, strictEqual, throws } from "node:assert/strict";
import {
  coherenceLutAxis,
  CoherenceWeights,
  independentLooks,
  MIN_WEIGHT_COHERENCE,
  phaseVarianceDs,
} from "./weights.ts";
import { InputError } from "./errors.ts";

Deno.test("independent looks: ALOOKS*RLOOKS/1.94 rounded half to even, NCORRLOOKS first", () => {
  strictEqual(independentLooks({ ALOOKS: "3", RLOOKS: "9" }), 14); // 13.92 (sim-small: L=14)
  strictEqual(independentLooks({ ALOOKS: "2", RLOOKS: "8" }), 8); // 8.25 (mexico-city: L=8)
  strictEqual(independentLooks({ ALOOKS: "1", RLOOKS: "1" }), 1); // 0.52 -> 1
  strictEqual(independentLooks({ NCORRLOOKS: "2.5", ALOOKS: "9", RLOOKS: "9" }), 2); // rint(2.5) = 2
  strictEqual(independentLooks({ NCORRLOOKS: "3.5" }), 4);
  throws(() => independentLooks({}), InputError);
});

Deno.test("the lookup axis: 200 bin centres 0.0025 .. 0.9975", () => {
  const c = coherenceLutAxis();
  strictEqual(c.length, 200);
  ok(Math.abs(c[0]! - 0.0025) < 1e-15 && Math.abs(c[199]! - 0.9975) < 1e-15);
});

Deno.test("zero coherence gives the variance of a uniform phase, pi^2/3", () => {
  // Zero coherence: the phase is uniform on [-pi, pi], whatever the looks.
  for (const L of [1, 4, 14, 80]) {
    const v0 = phaseVarianceDs(L, new Float64Array([1e-9]), 4001)[0]!;
    ok(Math.abs(v0 - Math.PI ** 2 / 3) < 0.01, `L=${L}: ${v0}`);
  }
});

Deno.test("high coherence: variance tends to the Cramer-Rao bound (1-g^2)/(2 L g^2)", () => {
  for (const [L, tol] of [[8, 0.2], [20, 0.08], [80, 0.03]] as const) {
    const g = 0.9;
    const v = phaseVarianceDs(L, new Float64Array([g]), 4001)[0]!;
    const crb = (1 - g * g) / (2 * L * g * g);
    ok(v > crb && v / crb - 1 < tol, `L=${L}: ${v} vs CRB ${crb}`);
  }
});

Deno.test("variance decreases with coherence and with looks; all positive", () => {
  const axis = coherenceLutAxis();
  const v8 = phaseVarianceDs(8, axis), v20 = phaseVarianceDs(20, axis);
  for (let i = 1; i < 200; i++) {
    ok(v8[i]! > 0 && v8[i]! <= v8[i - 1]! * (1 + 1e-9), `L=8 bin ${i}`);
    ok(v20[i]! <= v8[i]! * (1 + 1e-9), `bin ${i}`);
  }
});

Deno.test("square-root weights: float32, clipping, NaN, closed forms for fim and coh", () => {
  const coh = new CoherenceWeights("coh", 8);
  strictEqual(coh.sqrtWeight(0.64), Math.fround(Math.sqrt(0.64)));
  strictEqual(coh.sqrtWeight(NaN), Math.fround(Math.sqrt(MIN_WEIGHT_COHERENCE)));
  strictEqual(coh.sqrtWeight(0.01), Math.fround(Math.sqrt(MIN_WEIGHT_COHERENCE)));
  const fim = new CoherenceWeights("fim", 8);
  const c = Math.fround(0.7);
  strictEqual(fim.sqrtWeight(c), Math.fround(Math.sqrt(Math.fround(16 * c * c / (1 - c * c)))));
  strictEqual(fim.sqrtWeight(1), fim.sqrtWeight(0.999)); // clipped to 0.999
  const no = new CoherenceWeights("no", 8);
  ok(no.unweighted);
  strictEqual(no.squaredWeightFunction()(0.3), 1);
});

Deno.test("var weights: 1/variance of the lookup bin, as float32 square roots", () => {
  const w = new CoherenceWeights("var", 14);
  const v = phaseVarianceDs(14, coherenceLutAxis());
  for (const [c, bin] of [[0.3, 59], [0.0025, 9], [0.5, 99], [0.99, 197], [1, 199], [0.01, 9]]) {
    strictEqual(w.sqrtWeight(c), Math.fround(Math.sqrt(Math.fround(1 / v[bin]!))), `c=${c}`);
  }
  const sq = w.squaredWeightFunction();
  for (const c of [NaN, 0.2, 0.77, 0.999]) strictEqual(sq(c), w.sqrtWeight(c) ** 2);
  // Looks above 80 use 80.
  strictEqual(
    new CoherenceWeights("var", 300).sqrtWeight(0.5),
    new CoherenceWeights("var", 80).sqrtWeight(0.5),
  );
});

Deno.test("unknown weight function is an input error naming the flag", () => {
  throws(() => new CoherenceWeights("sbas", 8), /weight-func.*sbas/);
});
