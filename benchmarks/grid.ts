/**
 * End-to-end benchmark grid: `ifgram_inversion`, `timeseries2velocity` and `timeseries_rms`
 * each run as a fresh CLI process (as a user runs them) for every size, backend and worker
 * count.
 *
 *   deno run -A benchmarks/grid.ts [--sizes 10000,100000,500000,2000000] [--small]
 *     [--dir /tmp/vinsar-bench-grid] [--repeat 1] [--backends ts,wasm] [--workers 1,2]
 *     [--commands ifgram_inversion,timeseries2velocity,timeseries_rms] [--write-docs]
 *
 * Inputs per size are made once and kept in --dir: `vinsar simulate` (98 dates, 3 nearest
 * neighbours plus ~1-year pairs: 362 interferograms, the stacks of scaling.ts; `--small`: 30
 * dates), then `ifgram_inversion` (its timeseries.h5 feeds timeseries2velocity) and
 * `timeseries2velocity --save-res` (its residual feeds timeseries_rms, as in MintPy's
 * workflow). Each timed run prints
 * `VINSAR_LOG=debug` timings (read and write seconds inside the command) and is wrapped in
 * `/usr/bin/time` (wall, peak RSS, CPU). The fastest of `--repeat` runs is kept.
 *
 * Prints one markdown table per command; `--write-docs` also writes its section of
 * docs/performance/grid.md (the `--small` and full configurations have a section each) and,
 * for the full configuration, docs/performance/grid.svg. Exits 1 when a run fails.
 * @module
 */
import { H5Reader } from "@vinsar/hdf5";
import { buildNetwork, planNetworkSystem, sampleStep } from "@vinsar/core";
import { lineChartSvg, shortNumber } from "@vinsar/plot";
import { markdownTable, mergeGridDoc } from "./grid_doc.ts";

const argv = Deno.args;
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
};
const list = (name: string, def: string) => opt(name, def).split(",").filter((s) => s !== "");
const small = argv.includes("--small");
const sizes = list("--sizes", small ? "10000,50000" : "10000,100000,500000,2000000").map(Number);
const dir = opt("--dir", "/tmp/vinsar-bench-grid");
const repeat = Math.max(1, Number(opt("--repeat", "1")));
const backends = list("--backends", "ts,wasm");
const cores = navigator.hardwareConcurrency ?? 1;
const workerCounts = list("--workers", Array.from({ length: cores }, (_, i) => i + 1).join(","))
  .map(Number);
const commands = list("--commands", "ifgram_inversion,timeseries2velocity,timeseries_rms");
const DATES = small ? 30 : 98, NEIGHBOURS = 3;
const repo = new URL("..", import.meta.url).pathname;
const cli = `${repo}apps/cli/main.ts`;
const TIME = "/usr/bin/time";
const haveTime = (() => {
  try {
    return Deno.statSync(TIME).isFile;
  } catch {
    return false;
  }
})();

/** What the flop estimates need to know about one size's inputs. */
interface Inputs {
  pixels: number;
  /** Kept interferograms, unknown dates, non-zeros of L and multiply-subtracts of one factorization. */
  ifgrams: number;
  unknowns: number;
  nnzL: number;
  updates: number;
  /** Dates of timeseries.h5 and of the residual. */
  dates: number;
}

interface Run {
  wall: number;
  rssMb: number;
  cpuPct: number;
  log: string;
}

/** One command of the grid: its arguments (run folder = `<size>/run`) and how to read its log. */
interface Spec {
  name: string;
  args: string[];
  /** The debug line with the command's own read and write seconds. */
  timing: RegExp;
  /** Threads the command says it used, or null when it logs none. */
  threads(log: string): number | null;
  /** Floating-point operations per pixel of work (see each formula) and the pixels worked on. */
  flopsPerPixel(x: Inputs): number;
  workPixels(log: string, x: Inputs): number;
}

const logNumber = (log: string, re: RegExp): number | null => {
  const m = re.exec(log);
  return m ? Number(m[1]) : null;
};

/** Threads of a debug line ending "in-process" (1) or "N workers" (N); null without one. */
const engineThreads = (log: string, line: RegExp): number | null => {
  const l = line.exec(log)?.[0] ?? "";
  return /in-process/.test(l) ? 1 : logNumber(l, /(\d+) workers?\b/);
};

const allSpecs: Spec[] = [
  {
    name: "ifgram_inversion",
    args: ["../inputs/ifgramStack.h5"],
    timing: /^time: total.*$/m,
    threads: (log) => logNumber(log, /(\d+) thread\(s\) inverting/),
    // Normal equations A^T W A and A^T W y: per kept interferogram 3 adds into the matrix
    // (two diagonal entries, one off-diagonal: A has +-1 rows) and w*y plus 2 adds into the
    // right-hand side: 6K. Sparse Cholesky: 2 flops per multiply-subtract of the plan's
    // schedule (U) plus about one divide or square root per non-zero of L; forward and back
    // substitution: 2 x 2 flops per non-zero of L. Total 6K + 2U + 5 nnz(L).
    flopsPerPixel: (x) => 6 * x.ifgrams + 2 * x.updates + 5 * x.nnzL,
    workPixels: (log, x) => logNumber(log, /(\d+) by sparse Cholesky/) ?? x.pixels,
  },
  {
    name: "timeseries2velocity",
    args: ["../inputs/timeseries.h5"],
    timing: /^timing: read.*$/m,
    threads: (log) => engineThreads(log, /^timing: read.*$/m),
    // The two GEMMs per pixel: parameters = pinv(G) (P x N) * data, then the residual
    // G (N x P) * parameters: 2*P*N*2, P = 2 (offset and velocity, the default --poly 1).
    flopsPerPixel: (x) => 2 * 2 * x.dates * 2,
    workPixels: (log, x) => logNumber(log, /number of pixels to invert: (\d+)/) ?? x.pixels,
  },
  {
    name: "timeseries_rms",
    args: ["../inputs/timeseriesResidual.h5"],
    timing: /^time \(s\): .*$/m,
    threads: (log) => engineThreads(log, /^deramping .*$/m),
    // The quadratic ramp's right-hand sides (core/deramp.ts, a GEMM-shaped kernel): each
    // row of each date times the column powers 1, u, u^2 of every sub-sampling phase, i.e.
    // 2 * 3 * steps flops per pixel and date; steps = sampleStep(pixels) (1 up to 1M pixels).
    // The small normal matrices and the ramp removal are not counted.
    flopsPerPixel: (x) => 2 * 3 * sampleStep(x.pixels) * x.dates,
    workPixels: (_log, x) => x.pixels,
  },
];
const specs = allSpecs.filter((s) => commands.includes(s.name));

/**
 * Run the CLI once in `cwd`; its log is stdout (info and debug lines) then stderr (warnings,
 * progress, errors and GNU time's line last); throws with the log's end when it fails.
 */
async function runCli(args: string[], cwd: string): Promise<Run> {
  const cmd = [Deno.execPath(), "run", "-A", cli, ...args];
  const t0 = performance.now();
  const out = await new Deno.Command(haveTime ? TIME : cmd[0]!, {
    args: haveTime ? ["-f", "GRIDTIME %e %M %U %S", ...cmd] : cmd.slice(1),
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { VINSAR_LOG: "debug", NO_COLOR: "1" },
  }).output();
  const elapsed = (performance.now() - t0) / 1000;
  const dec = new TextDecoder();
  const log = dec.decode(out.stdout) + dec.decode(out.stderr);
  if (out.code !== 0) throw new Error(`vinsar ${args.join(" ")} failed:\n${log.slice(-800)}`);
  const m = /GRIDTIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(log);
  if (!m) return { wall: elapsed, rssMb: NaN, cpuPct: NaN, log };
  const wall = Number(m[1]);
  return {
    wall,
    rssMb: Number(m[2]) / 1024,
    cpuPct: 100 * (Number(m[3]) + Number(m[4])) / Math.max(wall, 0.01),
    log,
  };
}

/** Make (or reuse) the inputs of one size and measure what the flop estimates need. */
async function prepare(pixels: number): Promise<{ work: string; inputs: Inputs }> {
  const work = `${dir}/${DATES}d-${NEIGHBOURS}nn-annual/${pixels}`;
  const inp = `${work}/inputs`;
  const steps = [
    ["simulate", "--pixels", String(pixels), "--dates", String(DATES), "--neighbours"]
      .concat([String(NEIGHBOURS), "--annual-pairs", "--no-truth", "-o", "ifgramStack.h5"]),
    ["ifgram_inversion", "ifgramStack.h5"],
    ["timeseries2velocity", "timeseries.h5", "--save-res"],
  ];
  const stamp = JSON.stringify(steps);
  let cached = false;
  try {
    cached = Deno.readTextFileSync(`${inp}/stamp.json`) === stamp;
  } catch { /* not made yet */ }
  if (!cached) {
    await Deno.remove(work, { recursive: true }).catch(() => {});
    Deno.mkdirSync(inp, { recursive: true });
    for (const s of steps) {
      const r = await runCli([...s, "-q"], inp);
      console.error(`inputs ${pixels} px: ${s[0]} ${r.wall.toFixed(1)} s`);
    }
    Deno.writeTextFileSync(`${inp}/stamp.json`, stamp);
  }
  Deno.mkdirSync(`${work}/run`, { recursive: true });
  const stack = await H5Reader.open(`${inp}/ifgramStack.h5`);
  const attrs = stack.attrs();
  const d12 = stack.readStrings("date");
  const drop = stack.read("dropIfgram", [[0, d12.length / 2]]);
  stack.close();
  const pairs: Array<[string, string]> = [];
  for (let k = 0; k < drop.length; k++) if (drop[k]) pairs.push([d12[2 * k]!, d12[2 * k + 1]!]);
  const { plan } = planNetworkSystem(buildNetwork(pairs));
  const ts = await H5Reader.open(`${inp}/timeseriesResidual.h5`);
  const dates = ts.info("timeseries").shape[0]!;
  ts.close();
  return {
    work,
    inputs: {
      pixels: Number(attrs.LENGTH) * Number(attrs.WIDTH),
      ifgrams: pairs.length,
      unknowns: plan.n,
      nnzL: plan.nnz,
      updates: plan.updates,
      dates,
    },
  };
}

interface Row {
  command: string;
  /** Requested size (--sizes) and the stack's actual pixels (simulate rounds to rows x columns). */
  size: number;
  pixels: number;
  backend: string;
  workers: number;
  threads: number | null;
  wall: number;
  rate: number;
  gflops: number;
  ioS: number;
  ioShare: number;
  cpuPct: number;
  rssMb: number;
}

const started = new Date();
const load = Deno.loadavg().map((v) => v.toFixed(2)).join(", ");
const rows: Row[] = [];
const failures: string[] = [];
const described: string[] = [];
for (const pixels of sizes) {
  let prepared;
  try {
    prepared = await prepare(pixels);
  } catch (e) {
    failures.push(`inputs of ${pixels} px: ${(e as Error).message}`);
    continue;
  }
  const { work, inputs: x } = prepared;
  described.push(
    `${x.pixels.toLocaleString("en")} px: ${x.dates} dates, ${x.ifgrams} kept interferograms ` +
      `(L: ${x.nnzL} non-zeros, ${x.updates} multiply-subtracts per factorization)`,
  );
  for (const spec of specs) {
    for (const backend of backends) {
      for (const workers of workerCounts) {
        const args = [spec.name, ...spec.args, "--backend", backend, "--workers", String(workers)];
        let best: Run | null = null;
        try {
          for (let i = 0; i < repeat; i++) {
            const r = await runCli(args, `${work}/run`);
            if (!best || r.wall < best.wall) best = r;
          }
        } catch (e) {
          failures.push((e as Error).message);
          continue;
        }
        const r = best!;
        const line = spec.timing.exec(r.log)?.[0] ?? "";
        const ioS = (logNumber(line, /\bread ([\d.]+)/) ?? NaN) +
          (logNumber(line, /\bwrite ([\d.]+)/) ?? NaN);
        rows.push({
          command: spec.name,
          size: pixels,
          pixels: x.pixels,
          backend,
          workers,
          threads: spec.threads(r.log),
          wall: r.wall,
          rate: x.pixels / r.wall,
          gflops: spec.flopsPerPixel(x) * spec.workPixels(r.log, x) / r.wall / 1e9,
          ioS,
          ioShare: ioS / r.wall,
          cpuPct: r.cpuPct,
          rssMb: r.rssMb,
        });
        console.error(`${spec.name} ${x.pixels} px ${backend} x${workers}: ${r.wall.toFixed(2)} s`);
      }
    }
  }
}

const fmt = (v: number, digits: number) => Number.isFinite(v) ? v.toFixed(digits) : "n/a";
const tables: string[] = [];
for (const spec of specs) {
  const mine = rows.filter((r) => r.command === spec.name);
  if (!mine.length) continue;
  const body = mine.map((r) => [
    r.pixels.toLocaleString("en"),
    r.backend,
    String(r.workers),
    r.threads === null ? "not logged" : String(r.threads),
    fmt(r.wall, 2),
    Math.round(r.rate).toLocaleString("en"),
    fmt(r.gflops, 3),
    fmt(r.ioS, 2),
    Number.isFinite(r.ioShare) ? `${Math.round(100 * r.ioShare)}%` : "n/a",
    fmt(r.cpuPct, 0),
    fmt(r.rssMb, 0),
  ]);
  const header = [
    "pixels",
    "backend",
    "--workers",
    "threads (log)",
    "wall (s)",
    "pixels/s",
    "GFLOP/s",
    "read+write (s)",
    "I/O share",
    "CPU %",
    "peak RSS (MB)",
  ];
  const right = header.map((_, j) => j !== 1);
  let text = `### ${spec.name}\n\n${markdownTable(header, right, body)}`;
  if (mine.every((r) => r.threads === null)) {
    text += `\n\n${spec.name} logs no thread count: compare the CPU % of the --workers rows ` +
      "to see whether --workers changes anything.";
  }
  tables.push(text);
}
const report = tables.join("\n\n");
console.log(report);
for (const f of failures) console.error(`FAILED: ${f}`);

if (argv.includes("--write-docs") && rows.length) {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1];
  const key = small ? "small" : "full";
  const section = [
    `## ${small ? "`--small` (the CI configuration)" : "Full configuration"}`,
    "",
    "```sh",
    `deno run -A benchmarks/grid.ts ${argv.join(" ")}`,
    "```",
    "",
    `Machine: ${cores} cores (${cpu ?? "unknown CPU"}), ` +
    `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0)} GB, Deno ${Deno.version.deno}, ` +
    `${Deno.build.os}/${Deno.build.arch}; ${started.toISOString().slice(0, 16)}Z; ` +
    `load average at start ${load}; best of ${repeat} run(s).`,
    "",
    `Inputs: ${described.join("; ")}.`,
    "",
    report.replaceAll("### ", "#### "),
  ].join("\n");
  const path = `${repo}docs/performance/grid.md`;
  let old = "";
  try {
    old = Deno.readTextFileSync(path);
  } catch { /* first run */ }
  Deno.writeTextFileSync(path, mergeGridDoc(old, key, section));
  // deno fmt wraps the prose and pads the tables as the rest of docs/ is kept.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", path], cwd: repo }).output();
  console.log(`\nwrote ${path}`);
  if (!small) {
    Deno.writeTextFileSync(`${repo}docs/performance/grid.svg`, gridSvg(rows));
    console.log(`wrote ${repo}docs/performance/grid.svg`);
  }
}
Deno.exit(failures.length ? 1 : 0);

/** Pixels/s against pixels, one line per command x backend x workers (log-log). */
function gridSvg(data: Row[]): string {
  // Colour: command (dark: 1 worker, light: more); dashes: the second backend.
  const hues: Record<string, string[]> = {
    ifgram_inversion: ["#08519c", "#6baed6"],
    timeseries2velocity: ["#a50f15", "#fb6a4a"],
    timeseries_rms: ["#006d2c", "#74c476"],
  };
  const short: Record<string, string> = {
    ifgram_inversion: "inversion",
    timeseries2velocity: "t2v",
    timeseries_rms: "rms",
  };
  const series = specs.flatMap((s) =>
    backends.flatMap((b, bi) =>
      workerCounts.map((w, wi) => ({
        label: `${short[s.name]}, ${b}, ${w} worker${w > 1 ? "s" : ""}`,
        color: hues[s.name]![wi === 0 ? 0 : 1]!,
        dash: bi % 2 ? "6 3" : undefined,
        points: data.filter((d) => d.command === s.name && d.backend === b && d.workers === w)
          .map((d) => [d.size, d.rate] as const),
      }))
    )
  ).filter((s) => s.points.length);
  return lineChartSvg({
    title: `vinsar end to end, ${DATES} dates (${shortNumber(cores)} cores)`,
    xLabel: "pixels",
    yLabel: "pixels/s end to end (log)",
    logY: true,
    width: 800,
    legendWidth: 210,
    height: Math.max(400, 90 + 20 * series.length),
    series,
  });
}
