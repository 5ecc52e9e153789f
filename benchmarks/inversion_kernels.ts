/**
 * In-process benchmark of `NetworkInverter.invertBlock` (no file I/O): the stages of the
 * inversion of 32-row blocks of the benchmark stack's shape (98 dates, 3 nearest neighbours
 * plus ~1-year pairs: 358 interferograms); 10% of the pixels miss 3% of their observations,
 * 1% have a split network; coherence from 0.1 to 0.95.
 *
 *   deno run -A benchmarks/inversion_kernels.ts [--backend ts|wasm] [-w var|no]
 *     [--pixels 128000] [--repeat 3] [--profile]
 *
 * Prints the best of `--repeat` passes: µs per pixel by stage (the inverter's own timing)
 * and, with `--profile` on wasm, the binding's copy and kernel times.
 * @module
 */
import {
  buildNetwork,
  CoherenceWeights,
  NetworkInverter,
  type Solver,
  uniformRandom,
  zeroInversionTiming,
} from "@vinsar/core";
import { smallBaselinePairs } from "@vinsar/core/simulate";
import { createTsSolver } from "@vinsar/backend-ts";
import { createWasmSolver } from "@vinsar/backend-wasm";

/** `--name value` flags (and the boolean `--profile`). */
function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1]! : fallback;
}
const args = {
  backend: flag("backend", "wasm"),
  w: flag("w", "var"),
  profile: Deno.args.includes("--profile"),
};
const P = Number(flag("pixels", "128000")), repeat = Number(flag("repeat", "3"));

const dates = Array.from(
  { length: 98 },
  (_, i) => new Date(Date.UTC(2018, 0, 3 + 12 * i)).toISOString().slice(0, 10).replaceAll("-", ""),
);
const pairs = smallBaselinePairs(dates, { neighbours: 3, annualPairs: true });
const net = buildNetwork(pairs.map((p) => [dates[p.ref]!, dates[p.sec]!]));
const K = net.date1.length, N = net.dates.length;

/** A block of P pixels (K x P float32, pixel-fastest). */
function makeBlock(seed: number) {
  const rand = uniformRandom(seed);
  const phase = new Float32Array(K * P), coherence = new Float32Array(K * P);
  const rate = Float64Array.from({ length: P }, () => (rand() - 0.5) * 0.3);
  for (let k = 0; k < K; k++) {
    const span = net.date2[k]! - net.date1[k]!;
    for (let p = 0; p < P; p++) {
      const o = k * P + p;
      coherence[o] = 0.1 + 0.85 * rand();
      let v = rate[p]! * span + (rand() - 0.5) * (1.2 - coherence[o]!);
      if (p % 10 === 3 && rand() < 0.03) v = NaN;
      // 1% of the pixels lose every interferogram across date 40: a split network.
      if (p % 100 === 7 && net.date1[k]! < 40 && net.date2[k]! >= 40) v = NaN;
      phase[o] = v === 0 ? 1e-6 : v;
    }
  }
  return { phase, coherence };
}

const solver: Solver = args.backend === "ts"
  ? createTsSolver()
  : await createWasmSolver({ profile: args.profile });
const inv = new NetworkInverter(net, {
  weights: new CoherenceWeights(args.w, 9),
  minNormVelocity: true,
  minRedundancy: 1,
  maskDataset: null,
  maskThreshold: 0.4,
  zeroIsNoData: true,
  phaseToRange: -0.0555 / (4 * Math.PI),
}, solver);

const ROWS = 32, W = Math.ceil(P / ROWS);
const source = makeBlock(1);
const refPhase = new Float32Array(K);
const blockP = ROWS * W > P ? P : ROWS * W;
const phase = new Float32Array(K * blockP);
let best: ReturnType<typeof zeroInversionTiming> | null = null, bestMs = Infinity;
for (let r = 0; r < repeat; r++) {
  const before = { ...inv.timing };
  const t0 = performance.now();
  phase.set(source.phase.subarray(0, K * blockP));
  inv.invertBlock({ pixels: blockP, phase, refPhase, coherence: source.coherence });
  const ms = performance.now() - t0;
  if (ms < bestMs) {
    bestMs = ms;
    best = zeroInversionTiming();
    for (const key of Object.keys(best) as Array<keyof typeof best>) {
      best[key] = inv.timing[key] - before[key];
    }
  }
}
const us = (ms: number) => ((ms * 1000) / blockP).toFixed(2);
console.log(
  `${solver.name} -w ${args.w}: ${blockP} px, ${N} dates, ${K} ifgrams, best of ${repeat}: ` +
    `${us(bestMs)} µs/px (${Math.round(blockP / bestMs * 1000)} px/s); ` +
    Object.entries(best!).map(([k, v]) => `${k} ${us(v)}`).join(", "),
);
const profile = (solver as { profile?: Record<string, unknown> | null }).profile;
if (profile) console.log(JSON.stringify(profile, null, 1));
