import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Matrix, solve } from "ml-matrix";
import { decorrelationPhaseVariance } from "./decorrelation.ts";
import { CRITICAL_BASELINE } from "./coherence.ts";
import { datePhaseRows, type IfgramRows, IfgramSimulator } from "./ifgrams.ts";
import { countComponents } from "./network.ts";
import { REGION_DISCONNECTED, REGION_LOW_COH, REGION_MISSING, REGION_WATER } from "./regions.ts";
import { createScene, type SceneOptions, type SimulatedScene } from "./scene.ts";
import { truthMapsRows } from "./truth.ts";

const L = 30, W = 40;
const quiet: Partial<SceneOptions> = { tropoStd: 0, decorrelation: false, unwrapErrors: 0 };

function simulateAll(scene: SimulatedScene): IfgramRows {
  const phases = datePhaseRows(scene, 0, scene.length, null);
  const P = scene.length * scene.width;
  return new IfgramSimulator(scene).simulateRows(0, scene.length, {
    data: phases,
    offset: 0,
    stride: P,
  });
}

function flagsOf(scene: SimulatedScene): Uint8Array {
  const f = new Uint8Array(scene.length * scene.width);
  scene.regions.fillRows(0, scene.length, f);
  return f;
}

Deno.test("noise-free stack: least squares over the network recovers the true displacement and velocity", () => {
  const scene = createScene({
    length: L,
    width: W,
    numDates: 24,
    seed: 3,
    annualPairs: true,
    ...quiet,
  });
  const out = simulateAll(scene);
  const N = scene.dates.length, P = L * W, ref = scene.refY * W + scene.refX;
  const kept = scene.pairs.map((p, k) => ({ ...p, k })).filter((p) => scene.keep[p.k]);
  // Design matrix over dates 1..N-1 (first date is zero), as an independent dense solve.
  const A = new Matrix(kept.length, N - 1);
  kept.forEach((p, r) => {
    if (p.ref > 0) A.set(r, p.ref - 1, -1);
    A.set(r, p.sec - 1, 1);
  });
  // Time functions: intercept, velocity, step, sin and cos of the annual cycle.
  const G = new Matrix(N, 5);
  for (let n = 0; n < N; n++) {
    const t = scene.tYears[n]!;
    G.setRow(n, [1, t, scene.stepped[n]!, Math.sin(2 * Math.PI * t), Math.cos(2 * Math.PI * t)]);
  }
  const truth = truthMapsRows(scene, 0, L);
  const coef = scene.deformation.coefficientsRows(0, L);
  const disp = scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, 0, N);
  const flags = flagsOf(scene);
  const toMetres = -scene.options.wavelength / (4 * Math.PI);
  let checked = 0;
  for (let p = 0; p < P; p += 7) {
    if (flags[p]! & (REGION_WATER | REGION_MISSING | REGION_DISCONNECTED)) continue;
    // Referencing to the reference pixel removes the whole-cycle offsets of each ifgram.
    const y = Matrix.columnVector(
      kept.map((e) => out.unwrapPhase[e.k * P + p]! - out.unwrapPhase[e.k * P + ref]!),
    );
    const x = solve(A, y);
    const ts = [0, ...x.to1DArray().map((v) => v * toMetres)];
    for (let n = 0; n < N; n++) {
      ok(
        Math.abs(ts[n]! - disp[n * P + p]!) < 2e-6,
        `pixel ${p} date ${n}: ${ts[n]} vs ${disp[n * P + p]}`,
      );
    }
    const m = solve(G, Matrix.columnVector(ts)).to1DArray();
    ok(Math.abs(m[1]! - truth.velocity[p]!) < 1e-5, `velocity ${m[1]} vs ${truth.velocity[p]}`);
    ok(Math.abs(m[2]! - truth.step[p]!) < 1e-5, `step ${m[2]} vs ${truth.step[p]}`);
    ok(Math.abs(Math.hypot(m[3]!, m[4]!) - truth.annualAmplitude[p]!) < 1e-5, "annual amplitude");
    checked++;
  }
  ok(checked > 100, `${checked} pixels checked`);
  // The truth is relative to the reference pixel.
  strictEqual(truth.velocity[ref], 0);
  strictEqual(truth.step[ref], 0);
});

Deno.test("row blocks do not change the result; the seed does", () => {
  const scene = createScene({ length: L, width: W, numDates: 10, seed: 8 });
  const whole = simulateAll(scene);
  const phases = datePhaseRows(scene, 0, L, null);
  const sim = new IfgramSimulator(scene);
  const K = scene.pairs.length, P = L * W;
  for (const [r0, r1] of [[0, 7], [7, 19], [19, 30]]) {
    const part = sim.simulateRows(r0, r1, { data: phases, offset: r0 * W, stride: P });
    const n = (r1 - r0) * W;
    for (let k = 0; k < K; k++) {
      deepStrictEqual(
        part.unwrapPhase.subarray(k * n, (k + 1) * n),
        whole.unwrapPhase.subarray(k * P + r0 * W, k * P + r1 * W),
      );
      deepStrictEqual(
        part.coherence.subarray(k * n, (k + 1) * n),
        whole.coherence.subarray(k * P + r0 * W, k * P + r1 * W),
      );
    }
  }
  deepStrictEqual(simulateAll(createScene({ length: L, width: W, numDates: 10, seed: 8 })), whole);
  notDeepStrictEqual(
    simulateAll(createScene({ length: L, width: W, numDates: 10, seed: 9 })).unwrapPhase,
    whole.unwrapPhase,
  );
});

Deno.test("special areas: water, missing patch, disconnected patch, reference pixel", () => {
  const scene = createScene({ length: L, width: W, numDates: 16, seed: 4, missingFraction: 0.3 });
  const out = simulateAll(scene);
  const K = scene.pairs.length, P = L * W, flags = flagsOf(scene);
  const count = (bit: number) => flags.reduce((s, f) => s + (f & bit ? 1 : 0), 0);
  for (const bit of [REGION_WATER, REGION_MISSING, REGION_DISCONNECTED, REGION_LOW_COH]) {
    ok(count(bit) > 4, `region ${bit} has ${count(bit)} pixels`);
  }
  ok(scene.missingIfgram.some((v) => v) && !scene.missingIfgram.every((v) => v));
  const ref = scene.refY * W + scene.refX;
  strictEqual(flags[ref], 0);
  const bridging = (k: number) =>
    scene.pairs[k]!.ref < scene.gapIndex && scene.gapIndex <= scene.pairs[k]!.sec;
  for (let p = 0; p < P; p++) {
    const f = flags[p]!;
    const valid = new Uint8Array(K);
    for (let k = 0; k < K; k++) {
      const i = k * P + p;
      const empty = (f & REGION_WATER) !== 0 ||
        ((f & REGION_MISSING) !== 0 && scene.missingIfgram[k] === 1) ||
        ((f & REGION_DISCONNECTED) !== 0 && bridging(k));
      strictEqual(out.unwrapPhase[i] === 0, empty, `pixel ${p} ifgram ${k}`);
      strictEqual(out.connectComponent[i] === 0, empty);
      const c = out.coherence[i]!;
      const [lo, hi] = f & REGION_WATER ? [0.05, 0.2] : [0.02, 0.995];
      ok(c >= Math.fround(lo) && c <= Math.fround(hi), `coherence ${c}`);
      valid[k] = empty || !scene.keep[k] ? 0 : 1;
    }
    if (f & REGION_DISCONNECTED) {
      strictEqual(countComponents(scene.pairs, scene.dates.length, valid), 2);
    }
    if (f === 0) strictEqual(countComponents(scene.pairs, scene.dates.length, valid), 1);
    if (p === ref) {
      ok(valid.every((v, k) => v === scene.keep[k]), "reference pixel valid everywhere");
    }
  }
});

Deno.test("unwrapping errors and cycle offsets are whole cycles, errors in component 2", () => {
  const base = { length: L, width: W, numDates: 16, seed: 12, tropoStd: 0, decorrelation: false };
  const clean = simulateAll(createScene({ ...base, unwrapErrors: 0, cycleOffsets: false }));
  const scene = createScene({ ...base, unwrapErrors: 0.5, cycleOffsets: true });
  const noisy = simulateAll(scene);
  ok(scene.unwrapErrors.length > 3);
  const K = scene.pairs.length, P = L * W;
  let errors = 0;
  for (let k = 0; k < K; k++) {
    for (let p = 0; p < P; p++) {
      const i = k * P + p;
      if (clean.unwrapPhase[i] === 0) continue;
      const cycles = (noisy.unwrapPhase[i]! - clean.unwrapPhase[i]!) / (2 * Math.PI);
      ok(Math.abs(cycles - Math.round(cycles)) < 1e-4, `ifgram ${k} pixel ${p}: ${cycles} cycles`);
      const extra = Math.round(cycles) - scene.cycleOffset[k]!;
      strictEqual(extra !== 0, noisy.connectComponent[i] === 2);
      if (extra !== 0) errors++;
    }
  }
  ok(errors > 0, "some pixels carry unwrapping errors");
});

Deno.test("decorrelation noise in the stack has the variance of the phase PDF at its coherence", () => {
  const base = {
    length: 60,
    width: 80,
    numDates: 12,
    seed: 21,
    tropoStd: 0,
    unwrapErrors: 0,
    cycleOffsets: false,
  };
  const scene = createScene({ ...base, decorrelation: true });
  const clean = simulateAll(createScene({ ...base, decorrelation: false }));
  const noisy = simulateAll(scene);
  const K = scene.pairs.length, P = 60 * 80, flags = flagsOf(scene);
  // Bins of true coherence: sum of squared noise and of the PDF's variance.
  const bins = [[0.2, 0.35], [0.45, 0.6], [0.7, 0.85]].map(([lo, hi]) => ({
    lo: lo!,
    hi: hi!,
    n: 0,
    s2: 0,
    v: 0,
  }));
  // PDF variance per coherence row of the sampler's table.
  const variance = new Map<number, number>();
  for (let k = 0; k < K; k++) {
    const { ref, sec } = scene.pairs[k]!;
    const dt = scene.days[sec]! - scene.days[ref]!;
    const fk = scene.ifgramQuality[k]! * (1 - Math.abs(scene.bperpIfgram[k]!) / CRITICAL_BASELINE);
    for (let p = 0; p < P; p += 3) {
      if (clean.unwrapPhase[k * P + p] === 0) continue;
      const [g0, floor, tau] = scene.coherence.at(Math.floor(p / 80), p % 80, flags[p]!);
      const g = fk * (floor + (g0 - floor) * Math.exp(-dt / tau));
      const bin = bins.find((b) => g >= b.lo && g < b.hi);
      if (!bin) continue;
      const e = noisy.unwrapPhase[k * P + p]! - clean.unwrapPhase[k * P + p]!;
      bin.n++;
      bin.s2 += e * e;
      const row = Math.round(g * 400);
      if (!variance.has(row)) {
        variance.set(row, decorrelationPhaseVariance(scene.looks, row / 400, 2000));
      }
      bin.v += variance.get(row)!;
    }
  }
  let previous = Infinity;
  for (const b of bins) {
    ok(b.n > 500, `${b.n} samples in [${b.lo}, ${b.hi})`);
    const ratio = b.s2 / b.v;
    ok(Math.abs(ratio - 1) < 0.1, `coherence [${b.lo}, ${b.hi}): sample / PDF variance ${ratio}`);
    ok(b.s2 / b.n < previous, "noise falls with coherence");
    previous = b.s2 / b.n;
  }
});
