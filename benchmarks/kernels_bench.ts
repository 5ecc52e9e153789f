/**
 * Kernel micro-benchmarks, every {@link Solver} kernel A/B between the ts and wasm
 * backends on the shapes the commands run (one group per kernel and shape, ts as the
 * baseline):
 *
 *   deno bench -A benchmarks/kernels_bench.ts
 *
 * Run as a script it prints where the wasm binding's time goes (copy in / kernel / copy
 * out) for the same cases:
 *
 *   deno run -A benchmarks/kernels_bench.ts --profile
 * @module
 */
import {
  buildNetwork,
  makeProbe,
  planNetworkSystem,
  type Solver,
  timeFunctionTileWidth,
} from "@vinsar/core";
import { createTsSolver } from "@vinsar/backend-ts";
import { createWasmSolver } from "@vinsar/backend-wasm";
import { uniformRandom } from "@vinsar/core";

const rand = uniformRandom(1);
const fill = (n: number, f = () => rand() - 0.5) => Float64Array.from({ length: n }, f);

/**
 * A network of `N` dates 12 days apart: the 3 nearest neighbours plus pairs 30 dates
 * apart until K pairs (the shape of the ifgram_inversion benchmark).
 */
function network(N: number, K: number) {
  const dates = Array.from(
    { length: N },
    (_, i) =>
      new Date(Date.UTC(2018, 0, 3 + 12 * i)).toISOString().slice(0, 10).replaceAll("-", ""),
  );
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j <= i + 3 && j < N; j++) pairs.push([dates[i]!, dates[j]!]);
  }
  for (let i = 0; i + 30 < N && pairs.length < K; i += 6) pairs.push([dates[i]!, dates[i + 30]!]);
  return buildNetwork(pairs);
}

/** A benchmark case: `run(solver)` does one call of one kernel on fixed inputs. */
interface Case {
  group: string;
  run(s: Solver): void;
}

function gemmCase(label: string, m: number, n: number, k: number): Case {
  const a = fill(m * k), b = fill(k * n), c = new Float64Array(m * n);
  return {
    group: `dgemm ${label} (${m}x${n}x${k})`,
    run: (s) => s.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n),
  };
}

function inversionCases(N: number, K: number, lanes: number): Case[] {
  const net = network(N, K);
  const { plan, scatter } = planNetworkSystem(net);
  const k = net.date1.length;
  const obs = fill(k * lanes, () => 6 * rand() - 3), w = fill(k * lanes, () => 0.2 + rand());
  const use = new Float64Array(k * lanes).fill(1);
  const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
  const status = new Uint8Array(lanes);
  const ts = createTsSolver();
  ts.assembleNormalEquations(plan, scatter, lanes, obs, w, values, rhs);
  const v0 = values.slice(), r0 = rhs.slice();
  const tsd = fill(N * lanes, () => 20 * rand() - 10), out = new Float64Array(lanes);
  const label =
    `${N} dates, ${k} ifgrams, ${lanes} lanes; L ${plan.nnz} nnz, ${plan.updates} updates`;
  return [
    {
      group: `assembleNormalEquations ${label}`,
      run: (s) => s.assembleNormalEquations(plan, scatter, lanes, obs, w, values, rhs),
    },
    {
      group: `sparseCholeskySolve ${label}`,
      run: (s) => {
        // Fresh matrices each call (the kernel overwrites them); the copy is in both arms.
        values.set(v0);
        rhs.set(r0);
        s.sparseCholeskySolve(plan, lanes, values, rhs, status);
      },
    },
    {
      group: `temporalCoherence ${label}`,
      run: (s) => s.temporalCoherence(k, N, lanes, net.date1, net.date2, obs, use, tsd, out),
    },
  ];
}

/**
 * Per-pixel squared norms of `groups` groups of `rows` rows over a tile of `width` pixels:
 * the bootstrap's `|F_j d|` (groups = parameters, rows = factor rank) or the residual sum
 * of squares of a fit (1 group of N dates).
 */
function squaredNormsCase(label: string, groups: number, rows: number, width: number): Case {
  const a = fill(groups * rows * width), out = new Float64Array(groups * width);
  return {
    group: `groupedSquaredNorms ${label} (${groups}x${rows}x${width})`,
    run: (s) => s.groupedSquaredNorms(groups, rows, width, a, width, out, width, groups > 1),
  };
}

/** Random float32 values with a few NaN and zeros, and a 70 % speckled mask. */
function imageRows(rows: number, width: number, maskRows: number) {
  const data = Float32Array.from({ length: rows * width }, () => {
    const r = rand();
    return r < 0.01 ? NaN : r < 0.012 ? 0 : 0.01 * (r - 0.5);
  });
  const mask = Uint8Array.from({ length: maskRows * width }, () => (rand() < 0.7 ? 1 : 0));
  return { data, mask };
}

/**
 * Deramp right-hand sides of one kernel call: `rows` (date, row) rows of a block of
 * `blockRows` image rows against a quadratic ramp's column powers (3 sums, 5 moments).
 */
function rampCase(rows: number, blockRows: number, width: number): Case {
  const { data, mask } = imageRows(rows, width, blockRows);
  const sumBasis = fill(3 * width), badBasis = fill(5 * width);
  const sums = new Float64Array(rows * 3), bad = new Float64Array(rows * 5);
  const count = new Int32Array(rows);
  return {
    group: `rampRowSums quadratic deramp (${rows} rows x ${width}, mask)`,
    run: (s) =>
      s.rampRowSums(rows, width, data, mask, blockRows, sumBasis, 3, badBasis, 5, sums, bad, count),
  };
}

/** Residual RMS of a row block: `dates` rows of `pixels` float32 values, with or without mask. */
function rmsCase(dates: number, pixels: number, masked: boolean): Case {
  const { data, mask } = imageRows(dates, pixels, 1);
  const sumSq = new Float64Array(dates), count = new Float64Array(dates);
  return {
    group: `maskedSquareSums residual RMS (${dates} dates x ${pixels} pixels, ${
      masked ? "mask" : "no mask"
    })`,
    run: (s) => s.maskedSquareSums(dates, pixels, data, masked ? mask : null, sumSq, count),
  };
}

/**
 * The fused fit of one 32-row block of a 1000-pixel-wide, 100-date time-series (what
 * timeseries2velocity runs per block by default): `p` parameters, residue STDs; the inputs are
 * the calibration probe's (a linear trend plus noise, 1% of the pixels with a NaN date).
 */
function seriesFitCase(p: number, lanes: number, n = 100): Case {
  const probe = makeProbe({ kind: "seriesFit", numDates: n, numParams: p, residual: false, lanes });
  return {
    group: `fitSeriesFloat32 velocity fit (${n} dates x ${lanes} pixels, ${p} parameters)`,
    run: (s) => probe.run(s),
  };
}

/** Pass 2 of a quadratic deramp of `rows` image rows of `width` pixels, with the RMS sums. */
function removeRampCase(rows: number, maskRows: number, width: number): Case {
  const { data, mask } = imageRows(rows, width, maskRows);
  const coeffs = fill(3 * rows, () => 0.001 * (rand() - 0.5));
  const u = Float64Array.from({ length: width }, (_, c) => (2 * c) / (width - 1) - 1);
  const sumSq = new Float64Array(rows), count = new Float64Array(rows);
  const work = data.slice();
  return {
    group: `removeRampRows quadratic deramp + RMS (${rows} rows x ${width}, mask)`,
    run: (s) => {
      work.set(data); // the kernel works in place: the copy is in both arms
      s.removeRampRows(rows, width, work, coeffs, u, mask, maskRows, 0, sumSq, count);
    },
  };
}

/** Pixels per tile of a 100-date time-function fit (`timeFunctionTileWidth(100, many)`). */
const TILE = timeFunctionTileWidth(100, 1e6);

const cases: Case[] = [
  ...inversionCases(98, 300, 128),
  ...inversionCases(30, 84, 128),
  // timeseries2velocity, default fit: one 32 x 1000 block.
  seriesFitCase(2, 32000),
  seriesFitCase(8, 32000),
  // Bootstrap and --rm-timefun fits: params = pinv(G) (p x N) * block (N x pixels).
  gemmCase("velocity fit", 2, 16384, 98),
  gemmCase("fit with seasonal + step", 8, 16384, 98),
  // Residual: block -= G (N x p) * params (p x pixels): short sums.
  gemmCase("residual", 98, 16384, 2),
  // Deramp right-hand sides: long sums over the pixels of a row block.
  gemmCase("deramp", 6, 98, 16384),
  // Bootstrap standard deviations |F_j d| (P parameters x rank N), residual sums of squares.
  squaredNormsCase("bootstrap P=2", 2, 100, TILE),
  squaredNormsCase("bootstrap P=6", 6, 100, TILE),
  squaredNormsCase("residual e2", 1, 100, TILE),
  // timeseries_rms, 100 dates x 1000 pixels wide: a kernel call of pass 1 (6 dates of a
  // 160-row block), the RMS of a quarter of a 160-row block.
  rampCase(960, 160, 1000),
  // Pass 2: the ramps of 6 whole 500 x 1000 images removed, with their RMS sums.
  removeRampCase(3000, 500, 1000),
  rmsCase(100, 40000, true),
  rmsCase(100, 40000, false),
];

const solvers: Solver[] = [createTsSolver(), await createWasmSolver()];

if (Deno.args.includes("--profile")) {
  const wasm = await createWasmSolver({ profile: true });
  console.log("wasm binding time split (ms per call: copy in / kernel / copy out; ts total)");
  for (const c of cases) {
    for (let i = 0; i < 30; i++) c.run(wasm); // warm-up (tier-up, memory growth)
    for (const key of Object.keys(wasm.profile!)) delete wasm.profile![key];
    const reps = 50;
    for (let i = 0; i < reps; i++) c.run(wasm);
    for (let i = 0; i < 30; i++) c.run(solvers[0]!);
    const t = performance.now();
    for (let i = 0; i < reps; i++) c.run(solvers[0]!);
    const tsMs = (performance.now() - t) / reps;
    for (const [kernel, p] of Object.entries(wasm.profile!)) {
      const per = (x: number) => (x / reps).toFixed(3);
      console.log(
        `${c.group}\n  ${kernel}: ${per(p.copyInMs)} / ${per(p.kernelMs)} / ${per(p.copyOutMs)}` +
          ` (copies ${
            (100 * (p.copyInMs + p.copyOutMs) / (p.copyInMs + p.kernelMs + p.copyOutMs)).toFixed(0)
          }%); ts ${tsMs.toFixed(3)}`,
      );
    }
  }
} else {
  for (const c of cases) {
    for (const s of solvers) {
      Deno.bench({
        name: `${s.name}`,
        group: c.group,
        baseline: s.name === "ts",
        fn: () => c.run(s),
      });
    }
  }
}
