/**
 * The conformance suite of {@link Solver}: property tests that any backend runs on itself,
 * checking every kernel of the interface against the reference kernels of
 * `reference_kernels.ts` (plain float64 loops of each kernel's definition, never another
 * backend) on random problems: odd sizes, strides and lane counts, masks, NaN, infinite,
 * zero and -0 values, -0 shifts, in-place residuals, and, for a backend that offers
 * {@link Solver.blockBuffer}, every float32 kernel again on data placed in that memory.
 *
 * Tolerances: results whose every operation `solver.ts` fixes (the fused series fit, the
 * values of the ramp removal, the squared norms) must be bit-identical to the reference,
 * so all backends agree bit for bit; counts and statuses must be identical; sums whose order
 * is free are checked to 1e-12 of the sum of their terms' magnitudes (temporal coherence:
 * the 1e-9 absolute the interface allows its sin/cos).
 *
 * @example A backend's test file
 * ```ts ignore
 * import { solverConformance } from "@vinsar/core/testing/solver-conformance";
 * import { createTsSolver } from "@vinsar/backend-ts";
 *
 * solverConformance("ts", () => Promise.resolve(createTsSolver()));
 * ```
 * @module
 */
import { ok, strictEqual } from "node:assert/strict";
import type { Solver } from "../solver.ts";
import { uniformRandom } from "../random.ts";
import { checkNetworkLanes } from "./network_lanes_cases.ts";
import {
  dgemmScale,
  referenceAssembleNormalEquations,
  referenceDgemm,
  referenceFitSeriesFloat32,
  referenceGroupedSquaredNorms,
  referenceMaskedSquareSums,
  referenceRampRowSums,
  referenceRemoveRampRows,
  referenceSparseCholeskySolve,
  referenceTemporalCoherence,
} from "./reference_kernels.ts";
import { randomNetwork, randomSystem } from "./network_cases.ts";
import { callFitSeries, randomFitSeries } from "./fit_series_cases.ts";
import { callRampRowSums, randomRampRows, sumScale } from "./ramp_row_sums_cases.ts";
import { callRemoveRamp, randomRemoveRamp } from "./remove_ramp_rows_cases.ts";

/** Options of {@link solverConformance}. */
export interface SolverConformanceOptions {
  /** Register the tests as ignored (e.g. where the backend cannot run). */
  readonly ignore?: boolean;
}

/** The kernels every backend must implement: the required methods of {@link Solver}. */
type RequiredKernel = {
  [K in keyof Solver]-?: undefined extends Solver[K] ? never
    : Solver[K] extends (...args: never[]) => unknown ? K
    : never;
}[keyof Solver];

/** Every required kernel of {@link Solver}, each checked by a test of the suite. */
export const SOLVER_KERNELS = [
  "dgemm",
  "sparseCholeskySolve",
  "assembleNormalEquations",
  "temporalCoherence",
  "groupedSquaredNorms",
  "fitSeriesFloat32",
  "rampRowSums",
  "removeRampRows",
  "maskedSquareSums",
] as const satisfies readonly RequiredKernel[];

/** Compiles only while {@link SOLVER_KERNELS} lists every required kernel of the interface. */
const everyKernelListed: [Exclude<RequiredKernel, typeof SOLVER_KERNELS[number]>] extends [never]
  ? true
  : never = true;

/** Lane counts of the batched kernels: below, at and above SIMD widths and slab sizes. */
const LANE_COUNTS = [1, 2, 3, 7, 8, 9, 16, 17, 31, 64, 133, 300];

/**
 * |got - want| <= tol * scale elementwise, or equal (infinities), or both NaN; naming the
 * first failure.
 */
function close(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  scale: ArrayLike<number> | number,
  tol: number,
  what: string,
): void {
  strictEqual(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const s = typeof scale === "number" ? scale : scale[i]!;
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= tol * s) && g !== w && !(Number.isNaN(g) && Number.isNaN(w))) {
      ok(false, `${what}[${i}]: got ${g}, reference ${w} (scale ${s})`);
    }
  }
}

/** The values as text, -0 told from 0: equal strings = bit-identical (NaN aside). */
function bits(a: ArrayLike<number> | null): string {
  return a ? Array.from(a, (v) => Object.is(v, -0) ? "-0" : String(v)).join() : "null";
}

/** Where a float32 kernel gets its data: a new array, and the backend's block when offered. */
function placements(
  solver: Solver,
): Array<{ how: string; place: ((length: number) => Float32Array) | undefined }> {
  const out: Array<{ how: string; place: ((length: number) => Float32Array) | undefined }> = [
    { how: "copied", place: undefined },
  ];
  if (solver.blockBuffer) out.push({ how: "in place", place: (n) => solver.blockBuffer!(n) });
  return out;
}

/**
 * Register the conformance tests of a backend: one `Deno.test` per kernel (and one for the
 * optional {@link Solver.blockBuffer}), named `<name>: ...`. `create` is called once, by the
 * first test that runs; the solver is shared by the tests.
 */
export function solverConformance(
  name: string,
  create: () => Promise<Solver>,
  options: SolverConformanceOptions = {},
): void {
  let created: Promise<Solver> | undefined;
  const solver = () => (created ??= create());
  const test = (what: string, fn: (s: Solver) => void) =>
    Deno.test({
      name: `${name}: ${what}`,
      ignore: options.ignore ?? false,
      fn: async () => fn(await solver()),
    });

  test("implements every kernel of the Solver interface", (s) => {
    ok(everyKernelListed);
    ok(typeof s.name === "string" && s.name.length > 0, "a name");
    const missing = SOLVER_KERNELS.filter((k) => typeof s[k] !== "function");
    strictEqual(missing.join(", "), "", "kernels missing");
    ok(s.blockBuffer === undefined || typeof s.blockBuffer === "function", "blockBuffer");
  });

  test("dgemm matches the reference on random shapes, strides, transposes, alpha, beta", (s) => {
    const rand = uniformRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (let trial = 0; trial < 300; trial++) {
      const m = pick([1, 2, 3, 4, 5, 7, 8, 9, 13]), n = pick([1, 2, 3, 4, 5, 8, 17, 33, 130]);
      const k = pick([0, 1, 2, 3, 4, 5, 6, 11, 40]);
      const transA = rand() < 0.3, transB = rand() < 0.3;
      const alpha = pick([1, -1, 0, 0.37, 2.5]), beta = pick([0, 1, -0.5, 2]);
      const aRows = transA ? k : m, aCols = transA ? m : k;
      const bRows = transB ? n : k, bCols = transB ? k : n;
      const lda = aCols + pick([0, 0, 1, 3]), ldb = bCols + pick([0, 0, 2]);
      const ldc = n + pick([0, 0, 1, 5]);
      const a = Float64Array.from({ length: Math.max(1, aRows * lda) }, () => rand() - 0.5);
      // Some zero entries of A: kernels may skip all-zero terms.
      if (rand() < 0.3) { for (let i = 0; i < a.length; i += 3) a[i] = 0; }
      const b = Float64Array.from({ length: Math.max(1, bRows * ldb) }, () => 4 * rand() - 2);
      const c0 = Float64Array.from({ length: m * ldc }, () => rand() - 0.5);
      const args = [transA, transB, m, n, k, alpha, a, lda, b, ldb, beta] as const;
      const scale = dgemmScale(...args, c0, ldc);
      const want = c0.slice(), got = c0.slice();
      referenceDgemm(...args, want, ldc);
      s.dgemm(...args, got, ldc);
      close(got, want, scale, 1e-12, `dgemm ${m}x${n}x${k} tA=${transA} tB=${transB} (${trial})`);
    }
  });

  test("dgemm with beta 0 overwrites C (NaN there) and leaves its padding untouched", (s) => {
    const m = 3, n = 5, k = 4, ldc = 8;
    const a = Float64Array.from({ length: m * k }, (_, i) => i + 1);
    const b = Float64Array.from({ length: k * n }, (_, i) => i - 3);
    const c = new Float64Array(m * ldc).fill(NaN);
    s.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, ldc);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < ldc; j++) {
        const v = c[i * ldc + j]!;
        if (j < n) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
          strictEqual(v, sum, `C (${i}, ${j})`);
        } else ok(Number.isNaN(v), `padding (${i}, ${j}) kept`);
      }
    }
  });

  test("dgemm matches the reference on block-sized products", (s) => {
    const rand = uniformRandom(9);
    for (
      const [m, n, k, tA, tB] of [
        [6, 98, 6000, false, false], // deramp: long sums, small C
        [6, 98, 6000, true, true],
        [8, 6000, 98, false, false], // time-function fit: many columns
        [98, 6000, 3, false, false], // residual: short sums, many columns
        [5, 3000, 60, true, true],
      ] as const
    ) {
      const lda = (tA ? m : k) + 1, ldb = (tB ? k : n) + 2, ldc = n + 1;
      const a = Float64Array.from({ length: (tA ? k : m) * lda }, () => rand() - 0.5);
      const b = Float64Array.from({ length: (tB ? n : k) * ldb }, () => rand() - 0.5);
      const c0 = Float64Array.from({ length: m * ldc }, () => rand() - 0.5);
      const want = c0.slice(), got = c0.slice();
      referenceDgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, -1, want, ldc);
      s.dgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, -1, got, ldc);
      // Sums of k terms of size <= 1/8: scale 1 + k/8 bounds |beta c| + sum |alpha a b|.
      close(got, want, 1 + k / 8, 1e-12, `dgemm ${m}x${n}x${k} tA=${tA} tB=${tB}`);
    }
  });

  test("assembleNormalEquations matches the reference on random networks and lane counts", (s) => {
    const rand = uniformRandom(11);
    for (const lanes of LANE_COUNTS) {
      const N = 3 + Math.floor(rand() * 40);
      const { plan, scatter, obs, weight } = randomSystem(N, 2 * N, lanes, rand);
      const vR = new Float64Array(plan.nnz * lanes).fill(7);
      const rR = new Float64Array(plan.n * lanes).fill(7);
      const { valuesScale, rhsScale } = referenceAssembleNormalEquations(
        plan,
        scatter,
        lanes,
        obs,
        weight,
        vR,
        rR,
      );
      const v = new Float64Array(plan.nnz * lanes).fill(-3);
      const r = new Float64Array(plan.n * lanes).fill(-3);
      s.assembleNormalEquations(plan, scatter, lanes, obs, weight, v, r);
      // Scale 0 (fill-in entries, unknowns without observations): exactly 0.
      close(v, vR, valuesScale, 1e-12, `values (lanes ${lanes})`);
      close(r, rR, rhsScale, 1e-12, `rhs (lanes ${lanes})`);
    }
  });

  test("sparseCholeskySolve matches the reference, including lanes not positive definite", (s) => {
    const rand = uniformRandom(5);
    let identical = 0, total = 0, failed = 0;
    for (const lanes of LANE_COUNTS) {
      const N = 2 + Math.floor(rand() * 60);
      const { plan, scatter, obs, weight } = randomSystem(N, Math.floor(1.5 * N), lanes, rand);
      const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
      referenceAssembleNormalEquations(plan, scatter, lanes, obs, weight, values, rhs);
      // Every fourth lane gets a negative (or NaN) pivot somewhere: status 1, no throw.
      for (let p = 3; p < lanes; p += 4) {
        const col = Math.floor(rand() * plan.n);
        values[plan.colPtr[col]! * lanes + p] = p % 8 === 3 ? -1 : NaN;
      }
      const vR = values.slice(), rR = rhs.slice(), sR = new Uint8Array(lanes).fill(9);
      referenceSparseCholeskySolve(plan, lanes, vR, rR, sR);
      const v = values.slice(), r = rhs.slice(), st = new Uint8Array(lanes).fill(9);
      s.sparseCholeskySolve(plan, lanes, v, r, st);
      strictEqual(st.join(","), sR.join(","), `status (lanes ${lanes})`);
      // Compare the lanes that solved; a failed lane's rhs is undefined by contract.
      for (let p = 0; p < lanes; p++) {
        if (sR[p]) {
          failed++;
          continue;
        }
        const lane = (x: Float64Array, items: number) =>
          Array.from({ length: items }, (_, i) => x[i * lanes + p]!);
        const want = lane(rR, plan.n);
        const norm = Math.max(1e-300, ...want.map(Math.abs));
        close(lane(r, plan.n), want, norm, 1e-12, `solution lane ${p} of ${lanes}`);
        const L = lane(v, plan.nnz), LR = lane(vR, plan.nnz);
        close(L, LR, Math.max(...LR.map(Math.abs)), 1e-12, `L lane ${p} of ${lanes}`);
        // And L L^T is the lane's matrix (its lower triangle, on L's pattern), to rounding:
        // |(L L^T)_ij| <= sqrt(a_ii a_jj).
        const a = lane(values, plan.nnz), col = new Int32Array(plan.nnz);
        const dense = Array.from({ length: plan.n }, () => new Float64Array(plan.n));
        for (let j = 0; j < plan.n; j++) {
          for (let e = plan.colPtr[j]!; e < plan.colPtr[j + 1]!; e++) {
            col[e] = j;
            dense[plan.rowIdx[e]!]![j] = L[e]!;
          }
        }
        for (let e = 0; e < plan.nnz; e++) {
          const i = plan.rowIdx[e]!, j = col[e]!;
          let sum = 0;
          for (let q = 0; q <= j; q++) sum += dense[i]![q]! * dense[j]![q]!;
          const bound = Math.sqrt(a[plan.colPtr[i]!]! * a[plan.colPtr[j]!]!);
          ok(Math.abs(sum - a[e]!) <= 1e-12 * bound, `L L^T (${i}, ${j}) lane ${p}: ${sum}`);
        }
        total++;
        if (lane(r, plan.n).every((x, i) => x === want[i])) identical++;
      }
    }
    ok(total > 0 && failed > 0, `solved ${total} lanes, failed ${failed}`);
    // Same operations in the same order give the same bits (reported, not required).
    console.log(`sparseCholeskySolve: ${identical}/${total} solved lanes bit-identical`);
  });

  test("temporalCoherence matches Math.cos/sin to 1e-9; a lane without observations is 0", (s) => {
    const rand = uniformRandom(3);
    for (const lanes of LANE_COUNTS) {
      const N = 3 + Math.floor(rand() * 30);
      const net = randomNetwork(N, 2 * N, rand);
      const K = net.date1.length;
      const obs = Float64Array.from({ length: K * lanes }, (_, i) =>
        // Residuals from tiny to hundreds of cycles (unwrapping errors).
        (rand() - 0.5) * (i % 5 === 0 ? 2000 : 6));
      const use = Float64Array.from({ length: K * lanes }, () => (rand() < 0.15 ? 0 : 1));
      // One lane with no observation at all: coherence 0.
      for (let k = 0; k < K; k++) use[k * lanes] = 0;
      const tsd = Float64Array.from({ length: N * lanes }, () => 40 * rand() - 20);
      const want = new Float64Array(lanes).fill(-5), got = new Float64Array(lanes).fill(5);
      referenceTemporalCoherence(K, N, lanes, net.date1, net.date2, obs, use, tsd, want);
      s.temporalCoherence(K, N, lanes, net.date1, net.date2, obs, use, tsd, got);
      close(got, want, 1, 1e-9, `coherence (lanes ${lanes})`);
      strictEqual(got[0], 0, "the lane without observations");
    }
  });

  test("invertNetworkLanes (optional): the reference, and bit for bit its own kernels", (s) => {
    if (s.invertNetworkLanes) checkNetworkLanes(s);
  });

  test("groupedSquaredNorms is bit-identical to the reference (sums in the stated order)", (s) => {
    const rand = uniformRandom(31);
    for (let trial = 0; trial < 120; trial++) {
      const groups = 1 + Math.floor(rand() * 6), R = Math.floor(rand() * 110);
      const width = 1 + Math.floor(rand() * (trial % 10 === 0 ? 2000 : 80));
      const lda = width + Math.floor(rand() * 3), ldOut = width + Math.floor(rand() * 3);
      const a = Float64Array.from({ length: groups * R * lda }, () => 6 * rand() - 3);
      const sqrt = rand() < 0.5;
      // Padding between output rows (-7) must stay.
      const want = new Float64Array(groups * ldOut).fill(-7), got = want.slice();
      referenceGroupedSquaredNorms(groups, R, width, a, lda, want, ldOut, sqrt);
      s.groupedSquaredNorms(groups, R, width, a, lda, got, ldOut, sqrt);
      strictEqual(bits(got), bits(want), `trial ${trial}: ${groups}x${R}x${width}`);
    }
  });

  test("rampRowSums matches the reference: counts identical, sums to 1e-12", (s) => {
    const rand = uniformRandom(37);
    for (let trial = 0; trial < 100; trial++) {
      const p = randomRampRows(rand, trial % 4 !== 0, trial % 9 === 0);
      const want = callRampRowSums(referenceRampRowSums, p);
      const scale = Array.from(want.sums, (_, i) => 1e-300 + sumScale(p, i));
      // Bad sums: sums of basis values (|.| < 1) over the bad pixels.
      const badScale = Array.from(want.bad, (_, i) => want.badCount[Math.floor(i / p.numBad)]! + 1);
      for (const { how, place } of placements(s)) {
        const got = callRampRowSums(s.rampRowSums.bind(s), p, place);
        const what = `trial ${trial} (${p.rows}x${p.width}, ${how})`;
        strictEqual(got.badCount.join(), want.badCount.join(), `${what}: counts`);
        close(got.bad, want.bad, badScale, 1e-12, `${what}: bad sums`);
        close(got.sums, want.sums, scale, 1e-12, `${what}: sums`);
      }
    }
  });

  test("maskedSquareSums matches the reference: counts identical, sums to 1e-12", (s) => {
    const rand = uniformRandom(41);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + Math.floor(rand() * 6);
      const width = 1 + Math.floor(rand() * (trial % 5 === 0 ? 5000 : 300));
      const data = Float32Array.from({ length: rows * width }, () => {
        const r = rand();
        return r < 0.1 ? NaN : r < 0.15 ? 0 : r < 0.155 ? Infinity : 10 * rand() - 5;
      });
      const mask = trial % 3 === 0 ? null : Uint8Array.from(
        { length: width },
        () => (rand() < 0.6 ? 1 + Math.floor(rand() * 255) : 0),
      );
      // Running sums and counts to add to.
      const s0 = Float64Array.from({ length: rows }, () => rand());
      const c0 = Float64Array.from({ length: rows }, () => Math.floor(10 * rand()));
      const sR = s0.slice(), cR = c0.slice();
      referenceMaskedSquareSums(rows, width, data, mask, sR, cR);
      for (const { how, place } of placements(s)) {
        const sums = s0.slice(), counts = c0.slice();
        const d = place ? place(data.length) : new Float32Array(data.length);
        d.set(data);
        s.maskedSquareSums(rows, width, d, mask, sums, counts);
        const what = `trial ${trial} (${rows}x${width}, ${how})`;
        strictEqual(counts.join(), cR.join(), `${what}: counts`);
        close(sums, sR, Array.from(sR, Math.abs), 1e-12, `${what}: sums`);
      }
    }
  });

  test("fitSeriesFloat32 is bit-identical to the reference: every output", (s) => {
    const rand = uniformRandom(43);
    let special = 0, inPlace = 0;
    for (let trial = 0; trial < 100; trial++) {
      const c = randomFitSeries(rand);
      const want = callFitSeries(referenceFitSeriesFloat32, c);
      special += want.special.length;
      if (c.residual === "inplace") inPlace++;
      for (const { how, place } of placements(s)) {
        const got = callFitSeries(s.fitSeriesFloat32.bind(s), c, place);
        const what =
          `trial ${trial}: ${c.n} dates x ${c.p} params x ${c.lanes} px, ${c.residual}, ${how}`;
        strictEqual(bits(got.params), bits(want.params), `${what}: params`);
        strictEqual(bits(got.sums), bits(want.sums), `${what}: sums`);
        strictEqual(bits(got.e2), bits(want.e2), `${what}: e2`);
        strictEqual(bits(got.std), bits(want.std), `${what}: std`);
        strictEqual(got.special.join(), want.special.join(), `${what}: special`);
        strictEqual(got.specialNaN.join(), want.specialNaN.join(), `${what}: special NaN`);
        strictEqual(bits(got.specialSum), bits(want.specialSum), `${what}: special sums`);
        strictEqual(bits(got.residual), bits(want.residual), `${what}: residual`);
      }
    }
    ok(special > 20 && inPlace > 10, `special pixels ${special}, in-place residuals ${inPlace}`);
  });

  test("removeRampRows: data bit-identical to the reference, sums to 1e-12, counts identical", (s) => {
    const rand = uniformRandom(53);
    for (let trial = 0; trial < 100; trial++) {
      const p = randomRemoveRamp(rand, trial % 4 !== 0);
      const want = callRemoveRamp(referenceRemoveRampRows, p);
      const scale = Array.from(want.sumSq, (v) => 1e-300 + v);
      for (const { how, place } of placements(s)) {
        const got = callRemoveRamp(s.removeRampRows.bind(s), p, place);
        const what =
          `trial ${trial}: ${p.rows}x${p.width}, mask ${p.maskRows} rows from ${p.maskRow0}, ${how}`;
        strictEqual(bits(got.data), bits(want.data), `${what}: data`);
        strictEqual(got.count.join(), want.count.join(), `${what}: counts`);
        close(got.sumSq, want.sumSq, scale, 1e-12, `${what}: sums`);
      }
    }
  });

  test("blockBuffer, when offered: the length asked for, the same memory handed out again", (s) => {
    if (!s.blockBuffer) return;
    const a = s.blockBuffer(1000);
    strictEqual(a.length, 1000);
    a.fill(3);
    a[999] = 4;
    const b = s.blockBuffer(1000);
    strictEqual(b.length, 1000);
    ok(b.every((x, i) => x === (i === 999 ? 4 : 3)), "the values written through the first view");
    b[0] = 5;
    strictEqual(a[0], 5, "both views are the same memory");
  });
}
