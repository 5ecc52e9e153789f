import { ok, strictEqual } from "node:assert/strict";
import { Matrix, SVD } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import { buildNetwork } from "./network.ts";
import { type InversionBlock, type MaskDataset, NetworkInverter } from "./invert_network.ts";
import { CoherenceWeights } from "./weights.ts";
import { uniformRandom } from "@vinsar/core";

const DATES = [
  "20200101",
  "20200113",
  "20200125",
  "20200206",
  "20200218",
  "20200301",
  "20200313",
  "20200406",
];
const PHASE_TO_RANGE = -0.0555 / (4 * Math.PI);

/** Options of one oracle run, as MintPy's flags. */
interface Case {
  weightFunc: string;
  minNormVelocity: boolean;
  maskDataset: MaskDataset | null;
  maskThreshold: number;
  minRedundancy: number;
}

/**
 * MintPy's per-pixel algorithm written plainly, with ml-matrix's SVD for the least squares:
 * the independent reference the batched inversion is checked against.
 */
function oracle(
  pairs: Array<[number, number]>,
  block: InversionBlock,
  c: Case,
  weights: CoherenceWeights,
): { ts: number[][]; tcoh: number[]; num: number[] } {
  const K = pairs.length, N = DATES.length, P = block.pixels;
  const days = DATES.map((d) =>
    (Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6)) - Date.UTC(2020, 0, 1)) / 864e5
  );
  const t = days.map((d) => Math.fround(d / 365.25));
  const dt = t.slice(1).map((v, i) => Math.fround(v - t[i]!));
  const singleRef = new Set(pairs.map((p) => p[0])).size === 1;
  const ref = singleRef ? pairs[0]![0] : 0;
  const cols = DATES.map((_, i) => i).filter((i) => i !== ref);
  const ts: number[][] = [], tcoh: number[] = [], num: number[] = [];
  for (let p = 0; p < P; p++) {
    const y: number[] = [];
    for (let k = 0; k < K; k++) {
      let v = block.phase[k * P + p]!;
      if (v !== 0) v = Math.fround(v - block.refPhase[k]!);
      if (v === 0) v = NaN;
      if (c.maskDataset) {
        let m = block.maskData![k * P + p]!;
        if (Number.isNaN(m)) m = 0;
        if (c.maskDataset === "connectComponent" ? m === 0 : m < Math.fround(c.maskThreshold)) {
          v = NaN;
        }
      }
      y.push(v);
    }
    ts.push(new Array(N).fill(0));
    tcoh.push(0);
    num.push(0);
    if ((block.pixelMask && !block.pixelMask[p]) || y.every((v) => Number.isNaN(v))) continue;
    const valid = y.map((v, k) => (Number.isNaN(v) ? -1 : k)).filter((k) => k >= 0);
    const A = valid.map((k) =>
      cols.map((d) => (d === pairs[k]![1] ? 1 : d === pairs[k]![0] ? -1 : 0))
    );
    const counts = cols.map((_, j) => A.filter((row) => row[j] !== 0).length);
    if (Math.min(...counts) < c.minRedundancy) continue;
    const B = valid.map((k) => {
      const [i1, i2] = pairs[k]!;
      return dt.map((
        v,
        i,
      ) => (i >= Math.min(i1, i2) && i < Math.max(i1, i2) ? (i1 < i2 ? v : -v) : 0));
    });
    const G = c.minNormVelocity ? B : A;
    const sw = valid.map((
      k,
    ) => (c.weightFunc === "no" ? 1 : weights.sqrtWeight(block.coherence![k * P + p]!)));
    const Gw = new Matrix(G.map((row, i) => row.map((v) => v * sw[i]!)));
    const yw = valid.map((k, i) => y[k]! * sw[i]!);
    const svd = new SVD(Gw, { autoTranspose: true });
    const s = svd.diagonal, U = svd.leftSingularVectors, V = svd.rightSingularVectors;
    const cut = 1e-5 * Math.max(...s);
    const x = new Array(G[0]!.length).fill(0);
    for (let j = 0; j < s.length; j++) {
      if (!(s[j]! > cut)) continue;
      let a = 0;
      for (let i = 0; i < valid.length; i++) a += U.get(i, j) * yw[i]!;
      for (let r = 0; r < x.length; r++) x[r] += (V.get(r, j) * a) / s[j]!;
    }
    let sc = 0, ss = 0;
    for (let i = 0; i < valid.length; i++) {
      const e = y[valid[i]!]! - G[i]!.reduce((acc, g, r) => acc + g * x[r]!, 0);
      sc += Math.cos(e);
      ss += Math.sin(e);
    }
    tcoh[p] = Math.hypot(sc, ss) / valid.length;
    num[p] = valid.length;
    const out = ts[p]!;
    if (c.minNormVelocity) {
      for (let i = 0; i < N - 1; i++) out[i + 1] = out[i]! + x[i]! * dt[i]!;
    } else for (let i = 0; i < N - 1; i++) out[i + 1] = x[i]!;
    for (let d = 0; d < N; d++) out[d] = out[d]! * PHASE_TO_RANGE;
  }
  return { ts, tcoh, num };
}

/**
 * A random stack over `pairs` with P pixels: a truth plus noise, random missing data, and
 * pixel groups with a split network, a date with no data, no data at all, and masked out.
 */
function randomStack(pairs: Array<[number, number]>, P: number, seed: number): InversionBlock {
  const rand = uniformRandom(seed);
  const K = pairs.length, N = DATES.length;
  const phase = new Float32Array(K * P), coherence = new Float32Array(K * P);
  const maskData = new Float32Array(K * P), pixelMask = new Uint8Array(P).fill(1);
  for (let p = 0; p < P; p++) {
    const truth = Array.from({ length: N }, (_, d) => d * (rand() - 0.5) * 3);
    const kind = p % 10;
    for (let k = 0; k < K; k++) {
      const [a, b] = pairs[k]!;
      const o = k * P + p;
      coherence[o] = rand() < 0.05 ? NaN : rand();
      maskData[o] = rand() < 0.05 ? NaN : rand();
      let v = truth[b]! - truth[a]! + (rand() - 0.5) * 1.5 + 0.25;
      if (rand() < 0.12) v = rand() < 0.5 ? NaN : 0; // missing data (NaN or zero)
      if (kind === 3 && a < 4 && b >= 4) v = 0; // split network: dense path
      if (kind === 5 && (a === 6 || b === 6)) v = NaN; // date 6 without data: redundancy
      if (kind === 7) v = 0; // no data at all: skipped
      phase[o] = v;
    }
    if (kind === 9 && p % 20 === 9) pixelMask[p] = 0;
  }
  const refPhase = Float32Array.from(
    { length: K },
    () => Math.fround(0.25 + (rand() - 0.5) * 0.01),
  );
  return { pixels: P, phase, refPhase, coherence, maskData, pixelMask };
}

function cloneBlock(b: InversionBlock): InversionBlock {
  return {
    ...b,
    phase: b.phase.slice(),
    coherence: b.coherence?.slice(),
    maskData: b.maskData?.slice(),
  };
}

function check(
  pairs: Array<[number, number]>,
  c: Case,
  seed: number,
  lanes: number,
): NetworkInverter["counts"] {
  const P = 80;
  const block = randomStack(pairs, P, seed);
  const net = buildNetwork(pairs.map(([a, b]) => [DATES[a]!, DATES[b]!]));
  const weights = new CoherenceWeights(c.weightFunc, 14);
  const inv = new NetworkInverter(net, {
    weights,
    minNormVelocity: c.minNormVelocity,
    minRedundancy: c.minRedundancy,
    maskDataset: c.maskDataset,
    maskThreshold: c.maskThreshold,
    zeroIsNoData: true,
    phaseToRange: PHASE_TO_RANGE,
    lanes,
  }, createTsSolver());
  const want = oracle(pairs, cloneBlock(block), c, weights);
  const got = inv.invertBlock(cloneBlock(block));
  const N = DATES.length;
  const label = JSON.stringify(c);
  for (let p = 0; p < P; p++) {
    strictEqual(got.numInvObs[p], want.num[p], `${label} pixel ${p} numInvObs`);
    ok(Math.abs(got.temporalCoherence[p]! - want.tcoh[p]!) < 1e-6, `${label} pixel ${p} tcoh`);
    for (let d = 0; d < N; d++) {
      const g = got.ts[d * P + p]!, w = want.ts[p]![d]!;
      ok(
        Math.abs(g - w) <= 3e-7 * Math.abs(w) + 1e-12,
        `${label} pixel ${p} date ${d}: ${g} vs ${w}`,
      );
    }
  }
  const n = inv.counts;
  strictEqual(n.pixels, P);
  strictEqual(n.skipped + n.redundancy + n.cholesky + n.svd, P, `${label} path counts`);
  return n;
}

/** Three nearest neighbours plus a long pair. */
const NETWORK: Array<[number, number]> = [];
for (let i = 0; i < DATES.length; i++) {
  for (let j = i + 1; j <= i + 3 && j < DATES.length; j++) NETWORK.push([i, j]);
}
NETWORK.push([1, 7]);

Deno.test("block inversion equals MintPy's per-pixel SVD lstsq: every weight and min-norm mode", () => {
  let seed = 1;
  for (const weightFunc of ["var", "fim", "coh", "no"]) {
    for (const minNormVelocity of [true, false]) {
      const n = check(
        NETWORK,
        {
          weightFunc,
          minNormVelocity,
          maskDataset: null,
          maskThreshold: 0.4,
          minRedundancy: 1,
        },
        seed++,
        7,
      );
      // The stack exercises every path.
      ok(n.skipped >= 8 && n.redundancy >= 8 && n.svd >= 8 && n.cholesky >= 40, JSON.stringify(n));
    }
  }
});

Deno.test("block inversion with observation masks and a higher redundancy", () => {
  check(
    NETWORK,
    {
      weightFunc: "coh",
      minNormVelocity: true,
      maskDataset: "coherence",
      maskThreshold: 0.3,
      minRedundancy: 1,
    },
    11,
    16,
  );
  check(
    NETWORK,
    {
      weightFunc: "no",
      minNormVelocity: true,
      maskDataset: "connectComponent",
      maskThreshold: 0.4,
      minRedundancy: 2,
    },
    12,
    5,
  );
  check(
    NETWORK,
    {
      weightFunc: "var",
      minNormVelocity: false,
      maskDataset: "offsetSNR",
      maskThreshold: 0.2,
      minRedundancy: 3,
    },
    13,
    128,
  );
});

Deno.test("a network disconnected as a whole, and a single-reference network", () => {
  const split: Array<[number, number]> = [
    [0, 1],
    [0, 2],
    [1, 2],
    [1, 3],
    [2, 3],
    [4, 5],
    [4, 6],
    [5, 6],
    [
      5,
      7,
    ],
    [6, 7],
    [3, 7],
  ];
  // The [3, 7] bridge is removed in some pixels only; drop it entirely for a split network.
  for (const pairs of [split, split.slice(0, -1)]) {
    for (const minNormVelocity of [true, false]) {
      check(
        pairs,
        {
          weightFunc: "var",
          minNormVelocity,
          maskDataset: null,
          maskThreshold: 0.4,
          minRedundancy: 1,
        },
        21,
        9,
      );
    }
  }
  // Every interferogram shares its first date (a middle date): MintPy's reference date.
  const star: Array<[number, number]> = [[3, 0], [3, 1], [3, 2], [3, 4], [3, 5], [3, 6], [3, 7]];
  for (const minNormVelocity of [true, false]) {
    check(
      star,
      {
        weightFunc: "no",
        minNormVelocity,
        maskDataset: null,
        maskThreshold: 0.4,
        minRedundancy: 1,
      },
      31,
      4,
    );
  }
});

Deno.test("outputs can reuse the arrays of a previous block", () => {
  const net = buildNetwork(NETWORK.map(([a, b]) => [DATES[a]!, DATES[b]!]));
  const inv = new NetworkInverter(net, {
    weights: new CoherenceWeights("no", 1),
    minNormVelocity: true,
    minRedundancy: 1,
    maskDataset: null,
    maskThreshold: 0.4,
    zeroIsNoData: true,
    phaseToRange: PHASE_TO_RANGE,
  }, createTsSolver());
  const a = randomStack(NETWORK, 40, 5), b = randomStack(NETWORK, 30, 6);
  const first = inv.invertBlock(cloneBlock(a));
  const fresh = inv.invertBlock(cloneBlock(b));
  const reused = inv.invertBlock(cloneBlock(b), first);
  strictEqual(reused.ts.length, fresh.ts.length);
  ok(reused.ts.every((v, i) => v === fresh.ts[i]));
  ok(reused.temporalCoherence.every((v, i) => v === fresh.temporalCoherence[i]));
});
