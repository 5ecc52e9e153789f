import { ok, strictEqual, throws } from "node:assert/strict";
import { Matrix, pseudoInverse } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import { createWasmSolver } from "@vinsar/backend-wasm";
import { buildNetwork } from "./network.ts";
import type { Solver } from "./solver.ts";
import { uniformRandom } from "./random.ts";
import {
  type CovarianceBlock,
  NetworkCovariance,
  observationVariance,
} from "./timeseries_covariance.ts";
import { OffsetStdWeights } from "./offsets.ts";
import { CoherenceWeights } from "./weights.ts";

/** A network: dates and date-index pairs. */
interface Net {
  dates: string[];
  pairs: Array<[number, number]>;
}

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];
/** Two triangles {0,1,2} and {3,4,5}, bridged by (1,3), (2,3) and (2,4). */
const PAIRS: Array<[number, number]> = [
  [0, 1],
  [1, 2],
  [0, 2],
  [3, 4],
  [4, 5],
  [3, 5],
  [1, 3],
  [2, 3],
  [2, 4],
];
const BRIDGES = [6, 7, 8];
const SMALL: Net = { dates: DATES, pairs: PAIRS };
const SCALE = (0.0555 / (4 * Math.PI)) ** 2;

/**
 * MintPy's `estimate_timeseries_cov` written plainly with ml-matrix: G = A of the valid rows
 * with the reference date's column removed, `pinv(G) diag(std²) pinv(G)^T`, scattered around
 * the reference date; zero below the minimum redundancy.
 */
function oracle(
  net: Net,
  block: CovarianceBlock,
  p: number,
  refIndex: number,
  minRedun: number,
): number[] {
  const N = net.dates.length, K = net.pairs.length, P = block.pixels;
  const variance = observationVariance(new CoherenceWeights("var", 5));
  const rows: number[][] = [], v: number[] = [];
  for (let k = 0; k < K; k++) {
    if (Number.isNaN(block.obs[k * P + p]!)) continue;
    const row = new Array(N).fill(0);
    row[net.pairs[k]![0]] = -1;
    row[net.pairs[k]![1]] = 1;
    row.splice(refIndex, 1);
    rows.push(row);
    v.push(variance(block.varianceSource[k * P + p]!));
  }
  const out = new Array(N * N).fill(0);
  if (rows.length === 0 || (block.pixelMask && !block.pixelMask[p])) return out;
  const g = new Matrix(rows);
  for (let c = 0; c < N - 1; c++) {
    let count = 0;
    for (const r of rows) if (r[c] !== 0) count++;
    if (count < minRedun) return out;
  }
  const gp = pseudoInverse(g);
  const cov = gp.mmul(Matrix.diag(v)).mmul(gp.transpose());
  const dates = [...Array(N).keys()].filter((d) => d !== refIndex);
  for (let a = 0; a < N - 1; a++) {
    for (let b = 0; b < N - 1; b++) out[dates[a]! * N + dates[b]!] = cov.get(a, b) * SCALE;
  }
  return out;
}

/** A block of pixels, each given as the observations it lacks (or null: all NaN). */
function makeBlock(
  missing: Array<number[] | null>,
  seed: number,
  net: Net = SMALL,
): CovarianceBlock {
  const K = net.pairs.length, P = missing.length;
  const rand = uniformRandom(seed);
  const obs = new Float32Array(K * P), source = new Float32Array(K * P);
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < K; k++) {
      const gone = missing[p] === null || missing[p]!.includes(k);
      obs[k * P + p] = gone ? NaN : rand() - 0.5;
      source[k * P + p] = 0.1 + 0.85 * rand();
    }
  }
  return { pixels: P, obs, varianceSource: source };
}

function check(
  block: CovarianceBlock,
  refIndex: number,
  minRedundancy: number,
  lanes: number,
  options: { net?: Net; solver?: Solver } = {},
): { out: Float32Array; cov: NetworkCovariance } {
  const desc = options.net ?? SMALL;
  const net = buildNetwork(desc.pairs.map(([a, b]) => [desc.dates[a]!, desc.dates[b]!]));
  const cov = new NetworkCovariance(net, {
    refIndex,
    minRedundancy,
    scale: SCALE,
    varianceOf: observationVariance(new CoherenceWeights("var", 5)),
    lanes,
  }, options.solver ?? createTsSolver());
  const N = desc.dates.length, P = block.pixels;
  const out = new Float32Array(N * N * P).fill(7);
  cov.covarianceBlock(block, out);
  for (let p = 0; p < P; p++) {
    const want = oracle(desc, block, p, refIndex, minRedundancy);
    const peak = Math.max(...want.map(Math.abs));
    for (let i = 0; i < N * N; i++) {
      const got = out[i * P + p]!;
      ok(
        Math.abs(got - want[i]!) <= 1e-6 * peak,
        `pixel ${p} entry (${Math.floor(i / N)}, ${i % N}): ${got} vs ${want[i]}`,
      );
    }
  }
  return { out, cov };
}

Deno.test("covarianceBlock matches a dense pinv(G) diag(std²) pinv(G)^T per pixel", () => {
  const block = makeBlock([
    [], // every observation
    [0], // one missing, connected
    [0, 4], // two missing, connected
    [], // every observation, in a second lane batch
    BRIDGES, // two triangles: disconnected, every date still observed
    [0, 2], // date 0 has no observation: below the minimum redundancy
    null, // no data
    [0], // the pattern of pixel 1 again
    [],
  ], 3);
  block.pixelMask = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0]);
  const { out, cov } = check(block, 2, 1, 2);
  strictEqual(cov.counts.pixels, 9);
  strictEqual(cov.counts.skipped, 2);
  strictEqual(cov.counts.redundancy, 1);
  strictEqual(cov.counts.disconnected, 1);
  strictEqual(cov.counts.connected, 5);
  // The reference date's row and column are zero; the matrix is symmetric and non-zero.
  const N = DATES.length, P = block.pixels;
  for (let d = 0; d < N; d++) {
    strictEqual(out[(2 * N + d) * P]!, 0);
    strictEqual(out[(d * N + 2) * P]!, 0);
    for (let e = 0; e < N; e++) strictEqual(out[(d * N + e) * P + 1], out[(e * N + d) * P + 1]);
  }
  ok(out[(0 * N + 0) * P]! > 0);
  // Skipped and below-redundancy pixels are all zero.
  for (const p of [5, 6, 8]) {
    for (let i = 0; i < N * N; i++) strictEqual(out[i * P + p], 0, `pixel ${p}`);
  }
});

Deno.test("covarianceBlock: first or last date as reference, minimum redundancy 2", () => {
  const patterns: Array<number[] | null> = [[], [1], [0, 5], [], [3]];
  check(makeBlock(patterns, 11), 0, 1, 32);
  check(makeBlock(patterns, 12), DATES.length - 1, 1, 1);
  // With 2 per date required: dropping (3,5) leaves date 5 with only (4,5).
  const { cov } = check(makeBlock(patterns, 13), 0, 2, 3);
  strictEqual(cov.counts.redundancy, 1);
  strictEqual(cov.counts.connected, 4);
  // Dropping (0,1) leaves date 0 with only (0,2): it counts unless date 0 is the reference.
  const { cov: cov2 } = check(makeBlock([[0], []], 14), 3, 2, 3);
  strictEqual(cov2.counts.redundancy, 1);
  const { cov: cov3 } = check(makeBlock([[0], []], 15), 0, 2, 3);
  strictEqual(cov3.counts.redundancy, 0);
});

Deno.test("covarianceBlock over 20 dates (banded symmetric products), ts and wasm", async () => {
  // 3 nearest neighbours; the pairs across dates 9 and 10 are (7,10), (8,10), (8,11), (9,10),
  // (9,11), (9,12): without them the network splits in two.
  const dates = Array.from({ length: 20 }, (_, i) => `2020${String(101 + i).padStart(4, "0")}`);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < 20; i++) for (let j = i + 1; j <= i + 3 && j < 20; j++) pairs.push([i, j]);
  const net: Net = { dates, pairs };
  const across = pairs.flatMap(([a, b], k) => (a < 10 && b >= 10 ? [k] : []));
  strictEqual(across.length, 6);
  const patterns: Array<number[] | null> = [[], [0], [5, 17, 30], across, [], [2, 40], [0], []];
  for (const solver of [createTsSolver(), await createWasmSolver()]) {
    const { cov } = check(makeBlock(patterns, 21, net), 12, 1, 3, { net, solver });
    strictEqual(cov.counts.disconnected, 1);
    strictEqual(cov.counts.connected, 7);
  }
});

Deno.test("observationVariance is MintPy's float32 (1 / sqrt weight)²", () => {
  const w = new CoherenceWeights("var", 14), variance = observationVariance(w);
  for (const c of [NaN, 0, 0.03, 0.2, 0.5, 0.9, 0.999, 1]) {
    const std = Math.fround(1 / w.sqrtWeight(c));
    strictEqual(variance(c), Math.fround(std * std));
  }
  ok(variance(0.95) < variance(0.3));
  // Offsets: std = 1 / (1 / Std), NaN Std as 100 pixels, below 0.005 as 0.005.
  const offset = observationVariance(new OffsetStdWeights());
  strictEqual(offset(0.5), 0.25);
  strictEqual(offset(NaN), Math.fround(Math.fround(1 / Math.fround(1 / 100)) ** 2));
  strictEqual(offset(0), offset(0.005));
});

Deno.test("NetworkCovariance rejects a reference date outside the network", () => {
  const net = buildNetwork(PAIRS.map(([a, b]) => [DATES[a]!, DATES[b]!]));
  const settings = { minRedundancy: 1, scale: 1, varianceOf: () => 1 };
  throws(
    () => new NetworkCovariance(net, { ...settings, refIndex: 6 }, createTsSolver()),
    RangeError,
  );
});
