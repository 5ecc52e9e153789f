/**
 * Backend choice by measurement: time each candidate {@link Solver} on a short problem of
 * the shape the command is about to run (a network inversion batch, a GEMM) and pick the
 * fastest one whose scratch memory fits the budget. I/O-free: caching the choice is the
 * app's business ({@link probeKey} names a shape for that).
 * @module
 */
import type { Solver } from "./solver.ts";
import { buildNetwork, type Network } from "./network.ts";
import { type NetworkSystem, planNetworkSystem } from "./invert_system.ts";
import { uniformRandom } from "./random.ts";

/**
 * The work a command is about to do, as far as the backend choice cares.
 * - `inversion`: batched weighted network inversion (normal equations, sparse Cholesky,
 *   temporal coherence) of `lanes` pixels per kernel call, over `network` (and its
 *   analysed `system`, to skip the analysis) when given, else a typical network of
 *   `numObs` interferograms over `numDates` dates joining near neighbours.
 * - `gemm`: `C (m x n) = A (m x k) * B (k x n)`, n being the pixels of a block.
 * - `rampRowSums`: a deramp fit's fused row sums ({@link Solver.rampRowSums}) over image rows
 *   `width` pixels wide, with `numSum` column functions and `numBad` bad-pixel moments.
 * - `seriesFit`: the fused time-function fit ({@link Solver.fitSeriesFloat32}) of float32
 *   series of `numDates` dates with `numParams` parameters, keeping the residual or not.
 */
export type ProbeShape =
  | {
    kind: "inversion";
    lanes: number;
    numDates?: number;
    numObs?: number;
    network?: Network;
    system?: NetworkSystem;
  }
  | { kind: "gemm"; m: number; n: number; k: number }
  | { kind: "rampRowSums"; width: number; numSum: number; numBad: number }
  | {
    kind: "seriesFit";
    numDates: number;
    numParams: number;
    residual: boolean;
    /** Pixels per run (default: about 200,000 values' worth; benchmarks pass a block's). */
    lanes?: number;
  };

/** A solver that knows how much memory it allocates beyond its callers' arrays. */
export interface ScratchBounded {
  /** Upper bound of the memory the solver holds for its own scratch, bytes. */
  readonly scratchBytes: number;
}

/** Share of the memory budget a backend's own scratch may take. */
export const SCRATCH_SHARE = 0.1;

/** Options of {@link chooseSolver}. */
export interface ChooseOptions {
  /** Memory budget of the run, bytes (candidates with more scratch than 10% are skipped). */
  budgetBytes?: number;
  /** Wall time of the whole calibration, ms, probe set-up included (default 60). */
  ms?: number;
}

/** Measured speed of one candidate. */
export interface CandidateRate {
  name: string;
  /** Work per second: pixels/s for `inversion`, flop/s for `gemm` (summed time for a list). */
  rate: number;
  /** False when its scratch memory does not fit the budget (then it is never chosen). */
  fits: boolean;
}

/** The outcome of {@link chooseSolver}. */
export interface SolverChoice {
  solver: Solver;
  /** Every candidate, fastest first. */
  rates: CandidateRate[];
  /** Unit of `rate`. */
  unit: "pixels/s" | "flop/s" | "runs/s";
  /** Wall time of the whole calibration, ms. */
  ms: number;
}

/** A probe problem ready to run on any solver. */
export interface Probe {
  /**
   * Run the probe's kernels once on `solver` (inputs are not modified, so runs repeat).
   * `warmUp` runs the same kernels on a few pixels only: many quick calls get the JIT and
   * wasm tier-up through their warm-up sooner than a few long ones.
   */
  run(solver: Solver, warmUp?: boolean): void;
  /** Work of one (full) run in the unit of {@link Probe.unit}. */
  readonly work: number;
  readonly unit: "pixels" | "flop";
}

/**
 * A typical interferogram network: every date joined to its 1st, 2nd, 3rd ... nearest
 * following dates until `numObs` pairs exist (capped by the complete graph).
 * @returns date index pairs.
 */
export function typicalNetwork(
  numDates: number,
  numObs: number,
): { date1: Int32Array; date2: Int32Array } {
  const max = (numDates * (numDates - 1)) / 2;
  const K = Math.max(1, Math.min(numObs, max));
  const d1: number[] = [], d2: number[] = [];
  for (let gap = 1; d1.length < K && gap < numDates; gap++) {
    for (let i = 0; i + gap < numDates && d1.length < K; i++) {
      d1.push(i);
      d2.push(i + gap);
    }
  }
  return { date1: Int32Array.from(d1), date2: Int32Array.from(d2) };
}

/** Date strings 12 days apart, for {@link buildNetwork}. */
function probeDates(n: number): string[] {
  const t0 = Date.UTC(2020, 0, 1);
  return Array.from(
    { length: n },
    (_, i) => new Date(t0 + i * 12 * 86400000).toISOString().slice(0, 10).replaceAll("-", ""),
  );
}

/** Pixels of a warm-up run. */
const WARM_UP_LANES = 8;
/** Pixel lanes of one inversion probe run. */
const INVERSION_PROBE_LANES = 64;
/** Flops of one GEMM probe run: a fraction of a millisecond once warm. */
const GEMM_PROBE_FLOP = 1e6;

/** The batched inversion of one block of lanes: normal equations, Cholesky, coherence. */
function inversionProbe(shape: Extract<ProbeShape, { kind: "inversion" }>, seed: number): Probe {
  let net = shape.network;
  if (!net) {
    const N = Math.max(2, shape.numDates ?? 30);
    const { date1, date2 } = typicalNetwork(N, shape.numObs ?? 3 * N);
    const dates = probeDates(N);
    net = buildNetwork(Array.from(date1, (a, k) => [dates[a]!, dates[date2[k]!]!] as const));
  }
  const { plan, scatter } = shape.system ?? planNetworkSystem(net);
  const K = net.date1.length, Nd = net.dates.length;
  const lanes = Math.max(1, Math.min(shape.lanes, INVERSION_PROBE_LANES));
  const rand = uniformRandom(seed);
  const obs = new Float64Array(K * lanes), weight = new Float64Array(K * lanes);
  const use = new Float64Array(K * lanes).fill(1);
  for (let i = 0; i < K * lanes; i++) {
    obs[i] = 6 * rand() - 3;
    weight[i] = 0.2 + rand();
  }
  const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
  const status = new Uint8Array(lanes), ts = new Float64Array(Nd * lanes);
  const out = new Float64Array(lanes);
  const columnOfDate = net.columnOfDate, date1 = net.date1, date2 = net.date2;
  const run = (s: Solver, warmUp = false): void => {
    // Any prefix of a lane-fastest array is a valid array of fewer lanes.
    const L = warmUp ? Math.min(lanes, WARM_UP_LANES) : lanes;
    s.assembleNormalEquations(plan, scatter, L, obs, weight, values, rhs);
    s.sparseCholeskySolve(plan, L, values, rhs, status);
    for (let d = 0; d < Nd; d++) {
      const c = columnOfDate[d]!, o = d * L;
      if (c < 0) ts.fill(0, o, o + L);
      else ts.set(rhs.subarray(plan.position[c]! * L, (plan.position[c]! + 1) * L), o);
    }
    s.temporalCoherence(K, Nd, L, date1, date2, obs, use, ts, out);
  };
  return { run, work: lanes, unit: "pixels" };
}

/** `C = A B` with the real m and k and as many columns n as keep one run short. */
function gemmProbe(shape: Extract<ProbeShape, { kind: "gemm" }>, seed: number): Probe {
  const m = Math.max(1, shape.m), k = Math.max(1, shape.k);
  const n = Math.max(16, Math.min(shape.n, Math.floor(GEMM_PROBE_FLOP / (2 * m * k))));
  const rand = uniformRandom(seed);
  const a = Float64Array.from({ length: m * k }, () => rand() - 0.5);
  const b = Float64Array.from({ length: k * n }, () => rand() - 0.5);
  const c = new Float64Array(m * n);
  const small = Math.min(n, 16);
  return {
    run: (s, warmUp = false) =>
      s.dgemm(false, false, m, warmUp ? small : n, k, 1, a, k, b, n, 0, c, n),
    work: 2 * m * n * k,
    unit: "flop",
  };
}

/** Pixels of one ramp probe run: a fraction of a millisecond once warm. */
const RAMP_PROBE_PIXELS = 65536;

/**
 * The deramp's row sums over a few image rows of the real width: 70% of the pixels in the
 * mask, 2% of the values zero or NaN (bad), as in a masked residual time-series.
 */
function rampProbe(shape: Extract<ProbeShape, { kind: "rampRowSums" }>, seed: number): Probe {
  const W = Math.max(1, shape.width), rows = Math.max(2, Math.ceil(RAMP_PROBE_PIXELS / W));
  const rand = uniformRandom(seed);
  const data = Float32Array.from({ length: rows * W }, () => {
    const u = rand();
    return u < 0.01 ? 0 : u < 0.02 ? NaN : u - 0.5;
  });
  const mask = Uint8Array.from({ length: rows * W }, () => (rand() < 0.7 ? 1 : 0));
  const sumBasis = Float64Array.from({ length: shape.numSum * W }, () => rand() - 0.5);
  const badBasis = Float64Array.from({ length: shape.numBad * W }, () => rand() - 0.5);
  const sums = new Float64Array(rows * shape.numSum), bad = new Float64Array(rows * shape.numBad);
  const badCount = new Int32Array(rows);
  return {
    run: (s, warmUp = false) => {
      const r = warmUp ? 1 : rows;
      s.rampRowSums(
        r,
        W,
        data.subarray(0, r * W),
        mask.subarray(0, r * W),
        r,
        sumBasis,
        shape.numSum,
        badBasis,
        shape.numBad,
        sums,
        bad,
        badCount,
      );
    },
    work: rows * W,
    unit: "pixels",
  };
}

/** Values of one series-fit probe run: a fraction of a millisecond once warm. */
const SERIES_PROBE_VALUES = 200_000;

/**
 * The fused fit over a block of float32 series: a linear trend plus noise, 1% of the pixels
 * with a NaN date, as in a displacement time-series.
 */
function seriesFitProbe(shape: Extract<ProbeShape, { kind: "seriesFit" }>, seed: number): Probe {
  const n = Math.max(2, shape.numDates), p = Math.max(1, Math.min(shape.numParams, n - 1));
  const lanes = shape.lanes ?? Math.max(64, Math.floor(SERIES_PROBE_VALUES / n / 4) * 4);
  const rand = uniformRandom(seed);
  const data = new Float32Array(n * lanes);
  for (let k = 0; k < n; k++) {
    for (let l = 0; l < lanes; l++) data[k * lanes + l] = 0.001 * k * (l % 7) + 0.01 * rand();
  }
  for (let l = 0; l < lanes; l += 100) data[Math.floor(rand() * n) * lanes + l] = NaN;
  const pinv = Float64Array.from({ length: p * n }, () => (rand() - 0.5) / n);
  const design = Float64Array.from({ length: n * p }, () => rand());
  const rowOffset = Int32Array.from({ length: n }, (_, k) => k * lanes);
  const fresh = new Float32Array(data.length);
  const params = new Float64Array(p * lanes), std = new Float64Array(p * lanes);
  const sums = new Float64Array(lanes), e2 = new Float64Array(lanes);
  const special = new Int32Array(lanes), specialNaN = new Int32Array(lanes);
  const specialSum = new Float64Array(lanes);
  const stdScale = new Float64Array(p).fill(0.01);
  return {
    run: (s, warmUp = false) => {
      const w = warmUp ? 64 : lanes;
      // The residual overwrites the block: each run starts from the same data.
      if (shape.residual) fresh.set(data);
      s.fitSeriesFloat32({
        n,
        p,
        lanes: w,
        data: shape.residual ? fresh : data,
        rowOffset,
        refOffset: -1,
        shift: new Float64Array(n),
        scale: 1,
        pinv,
        design,
        params,
        ldParams: lanes,
        sums,
        e2,
        stdScale,
        std,
        residual: shape.residual ? fresh : null,
        residualOffset: shape.residual ? rowOffset : null,
        special,
        specialNaN,
        specialSum,
      });
    },
    work: lanes,
    unit: "pixels",
  };
}

/** A runnable probe of `shape` (inputs drawn from a fixed seed). */
export function makeProbe(shape: ProbeShape, seed = 1): Probe {
  if (shape.kind === "inversion") return inversionProbe(shape, seed);
  if (shape.kind === "seriesFit") return seriesFitProbe(shape, seed);
  return shape.kind === "gemm" ? gemmProbe(shape, seed) : rampProbe(shape, seed);
}

/** A short stable name of a shape, for logs and caches. */
export function probeKey(shape: ProbeShape | readonly ProbeShape[]): string {
  const one = (s: ProbeShape): string => {
    if (s.kind === "rampRowSums") return `ramp:${s.width}w:${s.numSum}s:${s.numBad}b`;
    if (s.kind === "seriesFit") {
      return `seriesFit:${s.numDates}d:${s.numParams}p${s.residual ? ":res" : ""}`;
    }
    if (s.kind === "gemm") {
      // Pixel counts in powers of two: a block of 1000 or 1024 columns behaves alike.
      return `gemm:${s.m}x${2 ** Math.round(Math.log2(Math.max(1, s.n)))}x${s.k}`;
    }
    if (!s.network) return `inversion:${s.numDates ?? 30}d:${s.numObs ?? "3x"}k:${s.lanes}l`;
    // The network's shape, not its dates: the same pattern runs at the same speed.
    let h = 0;
    const { date1, date2 } = s.network;
    for (let i = 0; i < date1.length; i++) {
      h = (Math.imul(h, 31) + date1[i]! * 65537 + date2[i]!) | 0;
    }
    const N = s.network.dates.length;
    return `inversion:${N}d:${date1.length}k:${s.lanes}l:${(h >>> 0).toString(16)}`;
  };
  return Array.isArray(shape) ? shape.map(one).join("+") : one(shape as ProbeShape);
}

/**
 * Time the candidates on the probes within about `ms`: the first 40% of the time in quick
 * warm-up runs, then full runs, both interleaved candidate by candidate so JIT compilation
 * and wasm tier-up progress for all of them in the same window (at least `minRounds` full
 * rounds). Returns, per candidate and probe, the best time (ms) of the later half of its
 * full runs.
 */
export function timeCandidates(
  candidates: readonly Solver[],
  probes: readonly Probe[],
  ms: number,
  minRounds = 4,
): number[][] {
  const start = performance.now();
  while (performance.now() - start < 0.4 * ms) {
    for (const c of candidates) for (const p of probes) p.run(c, true);
  }
  const samples = candidates.map(() => probes.map(() => [] as number[]));
  for (let round = 0; round < minRounds || performance.now() - start < ms; round++) {
    for (let c = 0; c < candidates.length; c++) {
      for (let p = 0; p < probes.length; p++) {
        const t = performance.now();
        probes[p]!.run(candidates[c]!);
        samples[c]![p]!.push(performance.now() - t);
      }
    }
  }
  return samples.map((perProbe) =>
    perProbe.map((s) => Math.min(...s.slice(Math.floor(s.length / 2))))
  );
}

/**
 * Time every candidate on the probe shapes and return the fastest whose scratch memory
 * fits the budget (the fastest overall if none fits, so a run is never refused here).
 * Probes keep the shape's network and matrix sizes but cap the pixels per run (64 lanes,
 * about a million flops) so that warmed-up runs come quickly.
 * @param candidates initialised solvers (at least one).
 * @param shapes the command's work; several shapes are summed.
 */
export function chooseSolver(
  candidates: readonly Solver[],
  shapes: ProbeShape | readonly ProbeShape[],
  options: ChooseOptions = {},
): SolverChoice {
  if (candidates.length === 0) throw new RangeError("chooseSolver needs at least one candidate");
  const t0 = performance.now();
  const list = (Array.isArray(shapes) ? shapes : [shapes]) as ProbeShape[];
  const probes = list.map((s, i) => makeProbe(s, i + 1));
  const setupMs = performance.now() - t0;
  const best = timeCandidates(candidates, probes, Math.max(10, (options.ms ?? 60) - setupMs));
  const rates = candidates.map((solver, c) => ({
    name: solver.name,
    rate: ((probes.length === 1 ? probes[0]!.work : 1) / best[c]!.reduce((x, y) => x + y, 0)) *
      1000,
  }));
  const unit = probes.length === 1
    ? (probes[0]!.unit === "pixels" ? "pixels/s" : "flop/s")
    : "runs/s";
  return {
    ...pickByRates(candidates, rates, unit, options.budgetBytes),
    ms: performance.now() - t0,
  };
}

/**
 * The fastest candidate by measured `rates` whose scratch memory fits `budgetBytes` (the
 * best-rated one if none fits). Candidates without a rate are never picked unless no
 * candidate has one (then the first). Used with fresh or cached measurements.
 */
export function pickByRates(
  candidates: readonly Solver[],
  rates: ReadonlyArray<{ name: string; rate: number }>,
  unit: SolverChoice["unit"],
  budgetBytes = Infinity,
): Omit<SolverChoice, "ms"> {
  const rated: CandidateRate[] = [];
  for (const r of rates) {
    const solver = candidates.find((c) => c.name === r.name);
    if (!solver) continue;
    const scratch = (solver as Partial<ScratchBounded>).scratchBytes ?? 0;
    rated.push({ name: r.name, rate: r.rate, fits: scratch <= budgetBytes * SCRATCH_SHARE });
  }
  rated.sort((a, b) => b.rate - a.rate);
  const pick = rated.find((r) => r.fits) ?? rated[0];
  const solver = pick ? candidates.find((c) => c.name === pick.name)! : candidates[0]!;
  return { solver, rates: rated, unit };
}

/** One line for the log, e.g. "wasm 150k pixels/s, ts 64.3k pixels/s". */
export function formatRates(choice: Pick<SolverChoice, "rates" | "unit">): string {
  const fmt = (x: number): string => {
    const units = ["", "k", "M", "G"];
    let u = 0;
    while (x >= 1000 && u < units.length - 1) {
      x /= 1000;
      u++;
    }
    return `${x.toPrecision(3)}${units[u]}`;
  };
  return choice.rates
    .map((r) => `${r.name} ${fmt(r.rate)} ${choice.unit}${r.fits ? "" : " (scratch over budget)"}`)
    .join(", ");
}
