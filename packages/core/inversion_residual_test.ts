import { ok, strictEqual } from "node:assert/strict";
import { Matrix, SVD } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import { residualNorm, unweightedResidualUndefined } from "./inversion_residual.ts";
import { NetworkInverter } from "./invert_network.ts";
import { buildNetwork } from "./network.ts";
import { OffsetStdWeights } from "./offsets.ts";
import { CoherenceWeights, type ObservationWeights } from "./weights.ts";

Deno.test("residualNorm: sqrt of the sum of used squared residuals, per lane", () => {
  // 3 dates, 3 observations, 2 lanes (lane-fastest).
  const date1 = Int32Array.of(0, 0, 1), date2 = Int32Array.of(1, 2, 2);
  const obs = Float64Array.of(1, 2, 3, 5, 2.5, 9);
  const use = Float64Array.of(1, 1, 1, 0, 1, 1);
  const ts = Float64Array.of(0, 0, 1, 1, 3, 4);
  const out = new Float64Array(2);
  residualNorm(3, 2, date1, date2, obs, use, ts, out);
  // Lane 0: e = 1-1, 3-3, 2.5-2 -> 0.5. Lane 1: e = (unused), 5-4, 9-3 -> sqrt(1 + 36).
  strictEqual(out[0], 0.5);
  strictEqual(out[1], Math.sqrt(37));
});

Deno.test("unweightedResidualUndefined: MintPy's empty lstsq residues", () => {
  ok(unweightedResidualUndefined(10, 5, false)); // rank deficient
  ok(unweightedResidualUndefined(4, 5, true)); // as many rows as unknowns
  ok(!unweightedResidualUndefined(5, 5, true));
});

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];
// 11 pairs over 6 dates.
const PAIRS: Array<[number, number]> = [
  [0, 1],
  [0, 2],
  [1, 2],
  [1, 3],
  [2, 3],
  [2, 4],
  [3, 4],
  [3, 5],
  [4, 5],
  [0, 3],
  [1, 4],
];
const K = PAIRS.length, N = DATES.length;

/** Valid-observation patterns of the test pixels (1: valid). */
const PATTERNS: Array<{ name: string; valid: (k: number) => boolean }> = [
  { name: "every pair", valid: () => true },
  { name: "some pairs missing, connected", valid: (k) => k !== 2 && k !== 6 },
  // {0,1,2} and {3,4,5}: pairs 0,1,2 and 6,7,8 only.
  { name: "two components", valid: (k) => [0, 1, 2, 6, 7, 8].includes(k) },
  // A spanning tree: 5 pairs for 5 unknowns.
  { name: "spanning tree", valid: (k) => [0, 2, 4, 6, 8].includes(k) },
  { name: "date 5 without pair", valid: (k) => k !== 7 && k !== 8 },
  { name: "no data", valid: () => false },
];

/** Offsets of pixel p, pair k (pixels), with zeros (valid for offsets) here and there. */
function offset(k: number, p: number): number {
  if (!PATTERNS[p % PATTERNS.length]!.valid(k)) return NaN;
  if ((k + p) % 7 === 0) return 0;
  const [a, b] = PAIRS[k]!;
  return Math.fround(0.05 * (b - a) * (1 + p / 10) + 0.02 * Math.sin(5 * k + 3 * p));
}

/** Offset Std of pixel p, pair k: NaN, below 0.005 and ordinary values. */
function std(k: number, p: number): number {
  if ((k * 3 + p) % 10 === 4) return NaN;
  if ((k + 2 * p) % 9 === 2) return Math.fround(0.002);
  return Math.fround(0.02 + 0.015 * ((k + p) % 5));
}

/**
 * The independent dense answer of one pixel: MintPy's `lstsq(B*w, y*w)` by an SVD with
 * rcond 1e-5, then the unweighted residual norm (NaN where MintPy's is).
 */
function oracle(p: number, weights: ObservationWeights | null): { residual: number; ts: number[] } {
  const net = buildNetwork(PAIRS.map(([a, b]) => [DATES[a]!, DATES[b]!]));
  const dt = Array.from(net.tbaseDiff);
  const rows: number[][] = [], y: number[] = [], yw: number[] = [];
  const count = new Array(N).fill(0);
  for (let k = 0; k < K; k++) {
    const v = offset(k, p);
    if (v !== v) continue;
    const [a, b] = PAIRS[k]!;
    count[a]++;
    count[b]++;
    const w = weights ? weights.sqrtWeight(std(k, p)) : 1;
    // Row of B: the time steps between the two dates.
    rows.push(dt.map((d, i) => (i >= a && i < b ? d * w : 0)));
    y.push(v);
    yw.push(v * w);
  }
  if (rows.length === 0 || count.slice(1).some((c) => c < 1)) {
    return { residual: NaN, ts: new Array(N).fill(0) };
  }
  const svd = new SVD(new Matrix(rows), { autoTranspose: true });
  const s = svd.diagonal, smax = Math.max(...s);
  const u = svd.leftSingularVectors, vm = svd.rightSingularVectors;
  const x = new Array(N - 1).fill(0);
  let rank = 0;
  for (let j = 0; j < s.length; j++) {
    if (!(s[j]! > 1e-5 * smax)) continue;
    rank++;
    let c = 0;
    for (let i = 0; i < rows.length; i++) c += u.get(i, j) * yw[i]!;
    for (let r = 0; r < N - 1; r++) x[r] += (vm.get(r, j) * c) / s[j]!;
  }
  const ts = [0];
  for (let i = 0; i < N - 1; i++) ts.push(ts[i]! + x[i]! * dt[i]!);
  if (!weights && (rank < N - 1 || rows.length <= N - 1)) return { residual: NaN, ts };
  let e2 = 0, r = 0;
  for (let k = 0; k < K; k++) {
    const v = offset(k, p);
    if (v !== v) continue;
    const [a, b] = PAIRS[k]!;
    e2 += (y[r++]! - (ts[b]! - ts[a]!)) ** 2;
  }
  return { residual: Math.sqrt(e2), ts };
}

for (const weighted of [true, false]) {
  Deno.test(`NetworkInverter residual (${weighted ? "1/Std weights" : "unweighted"}): as an independent dense lstsq`, async () => {
    const P = 24;
    const phase = new Float32Array(K * P), coherence = new Float32Array(K * P);
    for (let k = 0; k < K; k++) {
      for (let p = 0; p < P; p++) {
        phase[k * P + p] = offset(k, p);
        coherence[k * P + p] = std(k, p);
      }
    }
    const weights = weighted ? new OffsetStdWeights() : new CoherenceWeights("no", 1);
    const scale = 12.5;
    const inv = new NetworkInverter(buildNetwork(PAIRS.map(([a, b]) => [DATES[a]!, DATES[b]!])), {
      weights,
      minNormVelocity: true,
      minRedundancy: 1,
      maskDataset: null,
      maskThreshold: 0.4,
      zeroIsNoData: false,
      phaseToRange: scale,
      quality: "residual",
      lanes: 5,
    }, await createTsSolver());
    // A reused output whose old values must not survive.
    const reuse = {
      ts: new Float32Array(N * P).fill(7),
      temporalCoherence: new Float32Array(P).fill(7),
      numInvObs: new Float32Array(P).fill(7),
    };
    const out = inv.invertBlock({
      pixels: P,
      phase,
      refPhase: new Float32Array(K),
      coherence: weighted ? coherence : undefined,
    }, reuse);
    strictEqual(inv.counts.skipped, P / PATTERNS.length); // the no-data pixels
    strictEqual(inv.counts.redundancy, P / PATTERNS.length);
    ok(inv.counts.svd > 0, "the two-component pixels take the dense path");
    for (let p = 0; p < P; p++) {
      const want = oracle(p, weighted ? weights : null);
      const got = out.temporalCoherence[p]!;
      const label = `pixel ${p} (${PATTERNS[p % PATTERNS.length]!.name})`;
      if (Number.isNaN(want.residual)) ok(Number.isNaN(got), `${label}: NaN, got ${got}`);
      else {
        ok(
          Math.abs(got - want.residual) <= 1e-6 * Math.max(1, want.residual),
          `${label}: residual ${got} vs ${want.residual}`,
        );
      }
      for (let d = 0; d < N; d++) {
        const t = out.ts[d * P + p]!, w = Math.fround(Math.fround(want.ts[d]!) * scale);
        ok(Math.abs(t - w) <= 1e-5 * Math.max(1, Math.abs(w)), `${label} date ${d}: ${t} vs ${w}`);
      }
    }
    // The patterns MintPy leaves without residual, whatever the weights.
    ok(Number.isNaN(out.temporalCoherence[5]!), "no data: NaN");
    ok(Number.isNaN(out.temporalCoherence[4]!), "below min redundancy: NaN");
    strictEqual(out.numInvObs[4], 0);
    // Unweighted only: disconnected network, or no more observations than unknowns.
    strictEqual(Number.isNaN(out.temporalCoherence[2]!), !weighted);
    strictEqual(Number.isNaN(out.temporalCoherence[3]!), !weighted);
    ok(out.temporalCoherence[0]! > 0);
  });
}

Deno.test("NetworkInverter: quality temporalCoherence still fills 0 where not inverted", async () => {
  const P = 6;
  const phase = new Float32Array(K * P);
  for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) phase[k * P + p] = offset(k, p);
  const inv = new NetworkInverter(buildNetwork(PAIRS.map(([a, b]) => [DATES[a]!, DATES[b]!])), {
    weights: new CoherenceWeights("no", 1),
    minNormVelocity: true,
    minRedundancy: 1,
    maskDataset: null,
    maskThreshold: 0.4,
    zeroIsNoData: false,
    phaseToRange: 1,
  }, await createTsSolver());
  const out = inv.invertBlock({ pixels: P, phase, refPhase: new Float32Array(K) });
  strictEqual(out.temporalCoherence[5], 0);
  strictEqual(out.temporalCoherence[4], 0);
  ok(out.temporalCoherence[0]! > 0 && out.temporalCoherence[0]! <= 1);
});
