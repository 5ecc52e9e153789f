/**
 * Property tests of the disconnected-pixel path: random networks whose pixels split into
 * several components (contiguous and interleaved, with isolated dates and skipped
 * interferograms), weighted and unweighted, both minimum-norm modes, both backends,
 * against MintPy's computation written plainly: `lstsq(G*w, y*w)` by ml-matrix's SVD with
 * the relative cut-off 1e-5.
 */
import { ok, strictEqual } from "node:assert/strict";
import { Matrix, SVD } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import { createWasmSolver } from "@vinsar/backend-wasm";
import { buildNetwork, type Network } from "./network.ts";
import { NetworkInverter } from "./invert_network.ts";
import { CoherenceWeights } from "./weights.ts";
import { uniformRandom } from "./random.ts";
import type { Solver } from "./solver.ts";

const PHASE_TO_RANGE = -0.0555 / (4 * Math.PI);

/** N dates 6 to 30 days apart from 2020-01-01, as YYYYMMDD. */
function randomDates(n: number, rand: () => number): string[] {
  const out: string[] = [];
  let t = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    out.push(new Date(t).toISOString().slice(0, 10).replaceAll("-", ""));
    t += (6 + Math.floor(rand() * 25)) * 864e5;
  }
  return out;
}

/** Nearest-neighbour pairs plus random longer ones (every date in at least one pair). */
function randomPairs(n: number, rand: () => number): Array<[number, number]> {
  const set = new Set<string>(), pairs: Array<[number, number]> = [];
  const add = (a: number, b: number) => {
    const key = `${a},${b}`;
    if (a !== b && !set.has(key)) {
      set.add(key);
      pairs.push([a, b]);
    }
  };
  for (let i = 0; i + 1 < n; i++) for (let j = 1; j <= 3 && i + j < n; j++) add(i, i + j);
  for (let e = 0; e < n; e++) {
    const a = Math.floor(rand() * n), b = Math.floor(rand() * n);
    add(Math.min(a, b), Math.max(a, b));
  }
  return pairs;
}

/** MintPy's per-pixel answer by SVD: time-series (radians), temporal coherence, rank. */
function svdOracle(
  net: Network,
  y: number[],
  sw: number[] | null,
  minNormVelocity: boolean,
): { ts: number[]; tcoh: number; rank: number } {
  const N = net.dates.length, M = N - 1, dt = net.tbaseDiff;
  const valid = y.map((v, k) => (Number.isNaN(v) ? -1 : k)).filter((k) => k >= 0);
  const G = valid.map((k) => {
    const d1 = net.date1[k]!, d2 = net.date2[k]!;
    if (!minNormVelocity) {
      return Array.from({ length: M }, (_, c) => {
        const d = net.dateOfColumn[c]!;
        return d === d2 ? 1 : d === d1 ? -1 : 0;
      });
    }
    const lo = Math.min(d1, d2), hi = Math.max(d1, d2), sign = d1 < d2 ? 1 : -1;
    return Array.from({ length: M }, (_, i) => (i >= lo && i < hi ? sign * dt[i]! : 0));
  });
  const w = valid.map((k) => (sw ? sw[k]! : 1));
  const svd = new SVD(new Matrix(G.map((row, i) => row.map((v) => v * w[i]!))), {
    autoTranspose: true,
  });
  const s = svd.diagonal, U = svd.leftSingularVectors, V = svd.rightSingularVectors;
  const cut = 1e-5 * Math.max(...s);
  const x = new Array(M).fill(0);
  let rank = 0;
  for (let j = 0; j < s.length; j++) {
    if (!(s[j]! > cut)) continue;
    rank++;
    let a = 0;
    for (let i = 0; i < valid.length; i++) a += U.get(i, j) * y[valid[i]!]! * w[i]!;
    for (let r = 0; r < M; r++) x[r] += (V.get(r, j) * a) / s[j]!;
  }
  let sc = 0, ss = 0;
  valid.forEach((k, i) => {
    const e = y[k]! - G[i]!.reduce((acc, g, r) => acc + g * x[r]!, 0);
    sc += Math.cos(e);
    ss += Math.sin(e);
  });
  const ts = new Array(N).fill(0);
  if (minNormVelocity) { for (let i = 0; i < M; i++) ts[i + 1] = ts[i]! + x[i]! * dt[i]!; }
  else for (let i = 0; i < M; i++) ts[i + 1] = x[i]!;
  return { ts, tcoh: Math.hypot(sc, ss) / valid.length, rank };
}

/**
 * One random network and block: each pixel splits the dates into 1-4 groups (contiguous
 * runs, or at random), drops every interferogram between groups and 15% of the others
 * (NaN or zero); with `isolate`, some pixels also lose every interferogram of one date.
 */
function randomCase(seed: number, P: number, isolate: boolean) {
  const rand = uniformRandom(seed);
  const N = 10 + Math.floor(rand() * 21);
  const dates = randomDates(N, rand), pairs = randomPairs(N, rand);
  const net = buildNetwork(pairs.map(([a, b]) => [dates[a]!, dates[b]!]));
  const K = pairs.length;
  const phase = new Float32Array(K * P), coherence = new Float32Array(K * P);
  for (let p = 0; p < P; p++) {
    const groups = 1 + Math.floor(rand() * 4);
    const contiguous = rand() < 0.5;
    const group = Array.from(
      { length: N },
      (_, d) => contiguous ? Math.floor((d * groups) / N) : Math.floor(rand() * groups),
    );
    const lonely = isolate && rand() < 0.3 ? Math.floor(rand() * N) : -1;
    const truth = Array.from({ length: N }, (_, d) => d * (rand() - 0.5) * 2);
    for (let k = 0; k < K; k++) {
      const [a, b] = pairs[k]!, o = k * P + p;
      coherence[o] = rand() < 0.03 ? NaN : 0.1 + 0.85 * rand();
      let v = truth[b]! - truth[a]! + (rand() - 0.5) * 1.2 + 0.3;
      if (group[a] !== group[b] || rand() < 0.15) v = rand() < 0.5 ? NaN : 0;
      if (a === lonely || b === lonely) v = NaN;
      phase[o] = v;
    }
  }
  return { net, K, N, block: { pixels: P, phase, coherence, refPhase: new Float32Array(K) } };
}

function checkBackend(solver: Solver): void {
  let checkedSplit = 0;
  for (let seed = 1; seed <= 24; seed++) {
    const weightFunc = ["var", "no", "coh", "fim"][seed % 4]!;
    const minNormVelocity = seed % 3 !== 0, isolate = seed % 5 === 0;
    const P = 45, lanes = [128, 7, 16][seed % 3]!;
    const { net, K, N, block } = randomCase(seed * 7919, P, isolate);
    const weights = new CoherenceWeights(weightFunc, 9);
    const inv = new NetworkInverter(net, {
      weights,
      minNormVelocity,
      minRedundancy: isolate ? 0 : 1,
      maskDataset: null,
      maskThreshold: 0.4,
      zeroIsNoData: true,
      phaseToRange: PHASE_TO_RANGE,
      lanes,
    }, solver);
    const input = block.phase.slice();
    const got = inv.invertBlock({ ...block, phase: block.phase.slice() });
    const label = `${solver.name} seed ${seed} (${weightFunc}, N ${N}, K ${K}, ` +
      `${minNormVelocity ? "velocity" : "phase"})`;
    for (let p = 0; p < P; p++) {
      const y = Array.from({ length: K }, (_, k) => {
        const v = input[k * P + p]!;
        return v === 0 ? NaN : v;
      });
      const nv = y.filter((v) => !Number.isNaN(v)).length;
      if (nv === 0) continue;
      const count = new Array(N).fill(0);
      y.forEach((v, k) => {
        if (!Number.isNaN(v)) count[net.date1[k]!]++, count[net.date2[k]!]++;
      });
      if (!isolate && count.some((c, d) => c === 0 && d !== net.refIndex)) {
        strictEqual(got.numInvObs[p], 0, `${label} pixel ${p}: below the minimum redundancy`);
        continue;
      }
      const sw = weightFunc === "no"
        ? null
        : y.map((_, k) => weights.sqrtWeight(block.coherence[k * P + p]!));
      const want = svdOracle(net, y, sw, minNormVelocity);
      if (want.rank < N - 1) checkedSplit++;
      strictEqual(got.numInvObs[p], nv, `${label} pixel ${p} numInvObs`);
      ok(Math.abs(got.temporalCoherence[p]! - want.tcoh) < 1e-6, `${label} pixel ${p} tcoh`);
      const scale = Math.max(1e-3, ...want.ts.map(Math.abs)) * Math.abs(PHASE_TO_RANGE);
      for (let d = 0; d < N; d++) {
        const g = got.ts[d * P + p]!, w = want.ts[d]! * PHASE_TO_RANGE;
        ok(Math.abs(g - w) <= 2e-6 * scale, `${label} pixel ${p} date ${d}: ${g} vs ${w}`);
      }
    }
    strictEqual(inv.counts.choleskyFallback, 0, `${label}: no dense fallback`);
    ok(inv.counts.svd > 0, `${label}: has disconnected pixels`);
  }
  ok(checkedSplit > 300, `rank-deficient pixels checked: ${checkedSplit}`);
}

Deno.test("disconnected pixels equal MintPy's SVD min-norm lstsq (ts backend)", () => {
  checkBackend(createTsSolver());
});

Deno.test("disconnected pixels equal MintPy's SVD min-norm lstsq (wasm backend)", async () => {
  checkBackend(await createWasmSolver());
});
