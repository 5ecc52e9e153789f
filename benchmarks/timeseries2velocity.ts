/**
 * Benchmark of `vinsar timeseries2velocity` on a synthetic `timeseries.h5` (default 500,000
 * pixels x 100 dates = 200 MB of float32), against the time to read the data once.
 *
 *   deno run -A benchmarks/timeseries2velocity.ts [--pixels 500000] [--dates 100]
 *     [--width 1000] [--dir /tmp/vinsar-bench-t2v] [--max-memory GB] [--repeat 3] [--small]
 *
 * Every step is a fresh process: wall time and peak RSS come from `/usr/bin/time`, the
 * read / compute / write split from the command's debug timing line; each step runs
 * `--repeat` times and the fastest run is reported (the machine may be shared). The
 * synthetic file is deterministic, kept in --dir and reused by later runs of the same size.
 * @module
 */
import { H5Writer } from "@vinsar/hdf5";
import { TimeseriesFile } from "@vinsar/hdf5";
import { uniformRandom } from "@vinsar/core";

const argv = Deno.args;
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
};
const small = argv.includes("--small");
const N = Number(opt("--dates", "100"));
const pixels = Number(opt("--pixels", small ? "50000" : "500000"));
const W = Number(opt("--width", "1000"));
const L = Math.ceil(pixels / W);
const dir = opt("--dir", "/tmp/vinsar-bench-t2v");
const maxMemory = opt("--max-memory", "");
const repeat = Math.max(1, Number(opt("--repeat", small ? "1" : "3")));
const cli = new URL("../apps/cli/main.ts", import.meta.url).pathname;
const self = new URL(import.meta.url).pathname;

/**
 * Linear trend + annual cycle + noise per pixel; a no-data corner (NaN) and a few all-zero
 * pixels, like water and unwrapping gaps in MintPy's products.
 */
async function makeInput(path: string, L: number): Promise<void> {
  const rand = uniformRandom(7);
  const w = await H5Writer.create(path);
  const dates: string[] = [];
  for (let k = 0, t = Date.UTC(2016, 0, 1); k < N; k++, t += 12 * 86400000) {
    dates.push(new Date(t).toISOString().slice(0, 10).replaceAll("-", ""));
  }
  w.setAttrs({
    FILE_TYPE: "timeseries",
    UNIT: "m",
    LENGTH: String(L),
    WIDTH: String(W),
    REF_Y: String(Math.floor(L / 2)),
    REF_X: String(Math.floor(W / 2)),
    REF_DATE: dates[0]!,
    START_DATE: dates[0]!,
    END_DATE: dates[N - 1]!,
    CENTER_LINE_UTC: "43400.0",
  });
  w.writeWhole("date", dates);
  w.create("timeseries", [N, L, W], "<f", {
    chunks: [Math.min(N, 4), Math.min(L, 32), Math.min(W, 250)],
  });
  const vel = new Float32Array(L * W), amp = new Float32Array(L * W);
  for (let i = 0; i < L * W; i++) {
    vel[i] = 0.05 * (rand() - 0.5);
    amp[i] = 0.01 * rand();
  }
  const rows = Math.max(1, Math.floor((4 << 20) / (4 * W)));
  for (let k = 0; k < N; k++) {
    const t = k * 12 / 365.25;
    for (let r0 = 0; r0 < L; r0 += rows) {
      const r1 = Math.min(L, r0 + rows);
      const slab = new Float32Array((r1 - r0) * W);
      for (let y = r0; y < r1; y++) {
        for (let x = 0; x < W; x++) {
          const i = y * W + x, o = (y - r0) * W + x;
          if (y < L / 10 && x < W / 10) slab[o] = NaN;
          else if ((x * 7919 + y * 104729) % 9973 === 0) slab[o] = 0;
          else {
            slab[o] = k === 0
              ? 0
              : vel[i]! * t + amp[i]! * Math.sin(2 * Math.PI * t) + 0.004 * (rand() - 0.5);
          }
        }
      }
      w.write("timeseries", [[k, k + 1], [r0, r1], [0, W]], slab);
    }
  }
  w.commit();
}

/** Child mode: read every date of the file once, in row blocks of `rows`. */
async function readOnce(path: string, rows: number): Promise<void> {
  const ts = await TimeseriesFile.open(path);
  const t0 = performance.now();
  const n = ts.dates.length, length = ts.length, width = ts.width;
  const buf = new Float32Array(n * rows * width);
  for (let r0 = 0; r0 < length; r0 += rows) {
    const r1 = Math.min(length, r0 + rows);
    ts.readBlock(r0, r1, 0, n, buf.subarray(0, n * (r1 - r0) * width));
  }
  ts.close();
  console.error(`timing: read ${((performance.now() - t0) / 1000).toFixed(3)} s`);
}

interface Run {
  s: number;
  mb: number;
  read: number;
  compute: number;
  write: number;
  blocks: number;
  rows: number;
  blockMb: number;
}

/** The fastest of `repeat` runs of {@link timedOnce}. */
async function timed(cmd: string[], cwd: string): Promise<Run> {
  let best: Run | null = null;
  for (let i = 0; i < repeat; i++) {
    const r = await timedOnce(cmd, cwd);
    if (!best || r.s < best.s) best = r;
  }
  return best!;
}

/** Run a command in `cwd`: wall seconds and peak RSS (MB) from /usr/bin/time, timing line. */
async function timedOnce(cmd: string[], cwd: string): Promise<Run> {
  const p = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %M", ...cmd],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { VINSAR_LOG: "debug" },
  }).output();
  // The timing line is an info line (stdout); /usr/bin/time's line ends stderr.
  const dec = new TextDecoder();
  const lines = (dec.decode(p.stdout) + dec.decode(p.stderr)).trim().split("\n");
  if (!p.success) throw new Error(`${cmd.join(" ")} failed:\n${lines.slice(-20).join("\n")}`);
  const [s, kb] = lines.at(-1)!.split(" ").map(Number);
  const tl = lines.find((l) => l.startsWith("timing:")) ?? "";
  const num = (re: RegExp) => Number(re.exec(tl)?.[1] ?? NaN);
  return {
    s: s!,
    mb: kb! / 1024,
    read: num(/read ([\d.]+) s/),
    compute: num(/compute ([\d.]+) s/),
    write: num(/write ([\d.]+) s/),
    blocks: num(/(\d+) blocks/),
    rows: num(/of (\d+) rows/),
    blockMb: num(/([\d.]+) MB of block data/),
  };
}

if (argv[0] === "--child-read") await readOnce(argv[1]!, Number(argv[2]));
else {
  Deno.mkdirSync(dir, { recursive: true });
  const input = `${dir}/ts_${N}x${L}x${W}.h5`;
  // The runtime's base: the same commands on a file of 10 rows (data memory negligible).
  const tiny = `${dir}/ts_${N}x10x${W}.h5`;
  for (const [path, rows] of [[input, L], [tiny, 10]] as const) {
    try {
      Deno.statSync(path);
    } catch {
      console.log(`writing synthetic input ${path} ...`);
      await makeInput(path, rows);
    }
  }
  const work = Deno.makeTempDirSync({ dir, prefix: "run-" });
  Deno.symlinkSync(input, `${work}/timeseries.h5`);
  Deno.symlinkSync(tiny, `${work}/tiny.h5`);
  const deno = Deno.execPath();
  const mem = maxMemory ? ["--max-memory", maxMemory] : [];
  const t2v = (
    ...a: string[]
  ) => [deno, "run", "-A", cli, "timeseries2velocity", "timeseries.h5", ...a, ...mem];
  const t2vTiny = (
    ...a: string[]
  ) => [deno, "run", "-A", cli, "timeseries2velocity", "tiny.h5", ...a, ...mem];
  const bootArgs = ["--uq", "bootstrap", "--bc", "400", "--seed", "1", "-o", "boot.h5"];
  const cores = String(navigator.hardwareConcurrency);
  // Warm the page cache and the module cache so every run reads from memory.
  await timedOnce(t2v("-o", "warm.h5"), work);
  const residue = await timed(t2v(), work);
  const readOnly = await timed([
    deno,
    "run",
    "-A",
    self,
    "--child-read",
    input,
    String(residue.rows),
  ], work);
  const baseRun = await timed(t2vTiny("-o", "tiny_v.h5"), work);
  const saveRes = await timed(t2v("--save-res"), work);
  const boot = await timed(t2v(...bootArgs), work);
  // The bootstrap runs in a pool of workers: its base has their runtimes too.
  const bootBase = await timed(t2vTiny(...bootArgs, "--workers", cores), work);
  const px = L * W;
  const gb = (N * px * 4) / 1e9;
  const cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
  console.log(
    `\n${N} dates x ${L} x ${W} = ${px} pixels (${gb.toFixed(2)} GB float32), ` +
      `${navigator.hardwareConcurrency} cores (${cpu}), deno ${Deno.version.deno}`,
  );
  console.log(
    "| step | wall (s) | read / compute / write inside (s) | pixels/s (wall) | peak RSS (MB) |",
  );
  console.log("|---|---:|---|---:|---:|");
  const row = (name: string, r: Run) =>
    console.log(
      `| ${name} | ${r.s.toFixed(2)} | ${r.read.toFixed(2)} / ${
        Number.isNaN(r.compute) ? "-" : r.compute.toFixed(2)
      } / ${Number.isNaN(r.write) ? "-" : r.write.toFixed(2)} | ${
        Math.round(px / r.s).toLocaleString("en")
      } | ${r.mb.toFixed(0)} |`,
    );
  row("runtime base: residue on 10 rows", baseRun);
  row("runtime base: bootstrap on 10 rows (workers)", bootBase);
  row("read the data once", readOnly);
  row("residue (default)", residue);
  row("residue --save-res", saveRes);
  row("bootstrap --bc 400", boot);
  console.log(
    `\nblocks: ${residue.blocks} x ${residue.rows} rows, ${residue.blockMb} MB of block data (residue), ` +
      `${boot.blockMb} MB (bootstrap)`,
  );
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    `residue / read-only: ${ratio(residue.s, readOnly.s)} wall, ${
      ratio(residue.read + residue.compute + residue.write, readOnly.read)
    } inside (target <= 1.5)`,
  );
  console.log(
    `bootstrap-400 / residue: ${ratio(boot.s, residue.s)} wall, ${
      ratio(boot.read + boot.compute + boot.write, residue.read + residue.compute + residue.write)
    } inside (target <= 3)`,
  );
  console.log(
    `peak RSS / (1.5 x block data + base): residue ${
      ratio(residue.mb, 1.5 * residue.blockMb + baseRun.mb)
    }, bootstrap ${ratio(boot.mb, 1.5 * boot.blockMb + bootBase.mb)} (target < 1)`,
  );
  Deno.removeSync(work, { recursive: true });
}
