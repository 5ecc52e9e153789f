/**
 * Benchmark of `vinsar ifgram_inversion` on a generated stack (default 500 x 1000 pixels,
 * 98 dates, 300 interferograms): end-to-end pixels/s, the time split reported by the
 * command (read / invert: prepare, gather, solve, coherence, dense / write) and peak RSS
 * from `/usr/bin/time -v`, for `-w var` and `-w no` with the ts backend on one thread, `-w
 * var` on worker threads, then runs with memory budgets several times smaller than the
 * stack to show the peak RSS stays bounded. Each case runs `--repeat` times (best kept:
 * the machine may be shared).
 *
 * deno run -A benchmarks/ifgram_inversion.ts [--rows 500] [--cols 1000] [--keep DIR]
 *   [--repeat 1] [--skip-memory] [--wasm]
 * @module
 */
import { H5Writer } from "@vinsar/hdf5";
import { join } from "node:path";

const argv = Deno.args;
function flag(name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
}
const ROWS = Number(flag("--rows", "500"));
const COLS = Number(flag("--cols", "1000"));
const REPEAT = Number(flag("--repeat", "1"));
const keepDir = flag("--keep", "");
const cli = new URL("../apps/cli/main.ts", import.meta.url).pathname;

/** 98 dates 12 days apart, 3 nearest neighbours plus about-1-year pairs: 300 pairs. */
function network(): { dates: string[]; pairs: Array<[number, number]> } {
  const dates: string[] = [];
  const t0 = Date.UTC(2018, 0, 3);
  for (let i = 0; i < 98; i++) {
    const d = new Date(t0 + i * 12 * 86400000);
    dates.push(
      `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${
        String(d.getUTCDate()).padStart(2, "0")
      }`,
    );
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < 98; i++) for (let j = i + 1; j <= i + 3 && j < 98; j++) pairs.push([i, j]);
  for (let i = 0; i + 30 < 98 && pairs.length < 300; i += 6) pairs.push([i, i + 30]);
  return { dates, pairs };
}

/** A fast deterministic hash-based uniform in [0, 1). */
function uniform(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/**
 * Write the synthetic stack: a subsidence bowl plus a seasonal term, noise growing as
 * coherence drops, a water body with no data, 3% of observations missing in a band (some
 * pixels there lose a whole date: redundancy check), and a patch whose network splits in
 * two (dense SVD path).
 */
async function writeStack(path: string, L = ROWS, W = COLS): Promise<void> {
  const { dates, pairs } = network();
  const K = pairs.length, N = dates.length;
  const w = await H5Writer.create(path);
  try {
    w.setAttrs({
      FILE_TYPE: "ifgramStack",
      LENGTH: String(L),
      WIDTH: String(W),
      WAVELENGTH: "0.05546576",
      ALOOKS: "3",
      RLOOKS: "9",
      REF_Y: String(Math.floor(L / 3)),
      REF_X: String(Math.floor(W / 3)),
      UNIT: "radian",
      PROJECT_NAME: "vinsarBenchmark",
    });
    const d12: string[] = [];
    for (const [a, b] of pairs) d12.push(dates[a]!, dates[b]!);
    w.writeWhole("date", d12, { shape: [K, 2] });
    w.writeWhole("dropIfgram", new Uint8Array(K).fill(1));
    w.writeWhole(
      "bperp",
      Float32Array.from(pairs, ([a, b]) => 50 * Math.sin(b) - 50 * Math.sin(a)),
    );
    // The chunk shape h5py picks automatically for a (300, 500, 1000) float32 stack, as in
    // the files MintPy's load_data writes.
    const chunks = [Math.min(K, 19), Math.min(L, 32), Math.min(W, 63)];
    w.create("unwrapPhase", [K, L, W], "<f", { chunks });
    w.create("coherence", [K, L, W], "<f", { chunks });
    const years = dates.map((_, i) => (i * 12) / 365.25);
    const block = chunks[1]! * 4;
    for (let r0 = 0; r0 < L; r0 += block) {
      const r1 = Math.min(L, r0 + block), P = (r1 - r0) * W;
      const ts = new Float64Array(N * P);
      for (let p = 0; p < P; p++) {
        const y = r0 + Math.floor(p / W), x = p % W;
        const r2 = ((y - L / 2) ** 2 + (x - W / 2) ** 2) / (0.1 * L * W);
        const v = -2.5 * Math.exp(-r2) - 0.3, amp = 0.5 * uniform(y, x);
        for (let d = 0; d < N; d++) {
          ts[d * P + p] = 2 * Math.PI * (v * years[d]! + amp * Math.sin(2 * Math.PI * years[d]!));
        }
      }
      const phase = new Float32Array(K * P), coh = new Float32Array(K * P);
      for (let k = 0; k < K; k++) {
        const [a, b] = pairs[k]!;
        const span = (b - a) * 12;
        for (let p = 0; p < P; p++) {
          const y = r0 + Math.floor(p / W), x = p % W;
          const o = k * P + p;
          if (x < W / 10 && y > L / 2) continue; // water: zero phase and coherence
          const c0 = 0.25 + 0.6 * uniform(x >> 4, y >> 4) * Math.exp(-span / 400);
          const c = Math.min(0.98, Math.max(0.05, c0 + 0.1 * (uniform(o, k) - 0.5)));
          coh[o] = c;
          // Missing data: 3% of observations in a band; a split network in a patch.
          if (y > 0.7 * L && y < 0.75 * L && uniform(o, 7) < 0.03) continue;
          if (y > 0.2 * L && y < 0.22 * L && x > 0.6 * W && x < 0.62 * W && a < 49 && b >= 49) {
            continue;
          }
          const noise = (uniform(o, 13) - 0.5) * 2 * Math.sqrt(1 - c * c) / c * 0.6;
          phase[o] = ts[b * P + p]! - ts[a * P + p]! + noise + 0.37;
        }
      }
      w.write("unwrapPhase", [[0, K], [r0, r1]], phase);
      w.write("coherence", [[0, K], [r0, r1]], coh);
    }
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

interface RunResult {
  wallS: number;
  peakRssMb: number;
  pixels: string;
  time: string;
  /** Pixels inverted (Cholesky + dense path) and the inversion's own seconds. */
  inverted: number;
  invertS: number;
}

async function runCase(dir: string, args: string[]): Promise<RunResult> {
  const t0 = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-v", Deno.execPath(), "run", "-A", cli, "ifgram_inversion", ...args],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallS = (performance.now() - t0) / 1000;
  // Its info lines (pixels:, time:) are on stdout; /usr/bin/time -v's report on stderr.
  const dec = new TextDecoder();
  const err = dec.decode(out.stdout) + dec.decode(out.stderr);
  if (!out.success) throw new Error(`ifgram_inversion ${args.join(" ")} failed:\n${err}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const pixels = /^pixels: .*$/m.exec(err)?.[0] ?? "";
  const time = /^time: .*$/m.exec(err)?.[0] ?? "";
  const chol = Number(/(\d+) by sparse Cholesky/.exec(pixels)?.[1] ?? 0);
  const dense = Number(/(\d+) by the dense path/.exec(pixels)?.[1] ?? 0);
  return {
    wallS,
    peakRssMb: rss ? Number(rss[1]) / 1024 : NaN,
    pixels,
    time,
    inverted: chol + dense,
    invertS: Number(/invert ([\d.]+) s/.exec(time)?.[1] ?? NaN),
  };
}

const dir = keepDir || await Deno.makeTempDir({ prefix: "vinsar-bench-inv-" });
await Deno.mkdir(join(dir, "inputs"), { recursive: true });
const stack = join(dir, "inputs", "ifgramStack.h5");
try {
  Deno.statSync(stack);
  console.log(`using existing ${stack}`);
} catch {
  const t = performance.now();
  await writeStack(stack);
  console.log(`generated ${stack} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const sizeMb = Deno.statSync(stack).size / 2 ** 20;
const pixels = ROWS * COLS;
console.log(
  `stack: ${ROWS} x ${COLS} = ${pixels} pixels, 98 dates, 300 ifgrams, ${sizeMb.toFixed(0)} MB; ` +
    `${navigator.hardwareConcurrency} cores, deno ${Deno.version.deno}`,
);
// The runtime's own memory: the same command on a 10 x 100 stack of the same network.
{
  const small = join(dir, "small");
  await Deno.mkdir(join(small, "inputs"), { recursive: true });
  await writeStack(join(small, "inputs", "ifgramStack.h5"), 10, 100);
  const r = await runCase(small, ["inputs/ifgramStack.h5", "--backend", "ts", "--workers", "1"]);
  console.log(`runtime base: peak RSS ${r.peakRssMb.toFixed(0)} MB on a 10 x 100 stack`);
  await Deno.remove(small, { recursive: true });
}
const base = ["inputs/ifgramStack.h5", "--backend", "ts"];
const cases: Array<[string, string[]]> = [
  ["-w var, 1 thread", [...base, "-w", "var", "--workers", "1"]],
  ["-w no, 1 thread", [...base, "-w", "no", "--workers", "1"]],
  ["-w var, 2 worker threads", [...base, "-w", "var", "--workers", "2"]],
];
if (!argv.includes("--skip-memory")) {
  for (const gb of ["0.25", "0.1", "0.05"]) {
    cases.push([`-w var, 1 thread, --max-memory ${gb}`, [
      ...base,
      "-w",
      "var",
      "--workers",
      "1",
      "--max-memory",
      gb,
    ]]);
  }
}
if (argv.includes("--wasm")) {
  cases.push(["-w var, 1 thread, wasm backend", [
    "inputs/ifgramStack.h5",
    "--backend",
    "wasm",
    "-w",
    "var",
    "--workers",
    "1",
  ]]);
}
for (const [name, args] of cases) {
  let r = await runCase(dir, args);
  for (let i = 1; i < REPEAT; i++) {
    const again = await runCase(dir, args);
    if (again.wallS < r.wallS) r = again;
  }
  console.log(
    `\n${name}: ${r.wallS.toFixed(1)} s wall, ${(pixels / r.wallS).toFixed(0)} pixels/s end to ` +
      `end (incl. deno start-up), ${(r.inverted / r.invertS).toFixed(0)} inverted pixels/s in ` +
      `the inversion alone (thread time), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
  console.log(`  ${r.pixels}`);
  console.log(`  ${r.time}`);
}
if (!keepDir) await Deno.remove(dir, { recursive: true });
