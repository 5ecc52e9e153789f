/**
 * Benchmark of `vinsar timeseries_rms` with a quadratic deramp on a synthetic residual
 * time-series (default 100 dates x 500 x 1000 pixels = 200 MB of float32), compared with the
 * time to read the stack once and to write a stack of the same size (through HDF5, and as raw
 * bytes with no HDF5: the floor of writing `<name>_ramp.h5`).
 *
 *   deno run -A benchmarks/timeseries_rms.ts [--dates 100] [--length 500] [--width 1000]
 *     [--dir /tmp/vinsar-bench-rms] [--max-memory GB] [--repeat 3]
 *
 * Each timing is a fresh process (`/usr/bin/time` gives its peak RSS), the fastest of
 * `--repeat` runs (the machine may be shared). The synthetic file is kept in --dir and reused
 * by later runs of the same size.
 * @module
 */
import { H5Reader, H5Writer, readStackRows, writeStackRows } from "@vinsar/hdf5";
import { uniformRandom } from "@vinsar/core";

const argv = Deno.args;
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
};
const K = Number(opt("--dates", "100"));
const L = Number(opt("--length", "500"));
const W = Number(opt("--width", "1000"));
const dir = opt("--dir", "/tmp/vinsar-bench-rms");
const maxMemory = opt("--max-memory", "");
const repeat = Math.max(1, Number(opt("--repeat", "3")));
const cli = new URL("../apps/cli/main.ts", import.meta.url).pathname;
const self = new URL(import.meta.url).pathname;

/** Write the synthetic inputs: quadratic ramps + noise, a NaN corner, a few zero pixels. */
async function makeInputs(path: string, maskPath: string): Promise<void> {
  const rand = uniformRandom(42);
  const w = await H5Writer.create(path);
  w.setAttrs({
    FILE_TYPE: "timeseries",
    UNIT: "m",
    LENGTH: String(L),
    WIDTH: String(W),
    REF_Y: String(Math.floor(L / 3)),
    REF_X: String(Math.floor(W / 3)),
  });
  const dates: string[] = [];
  for (let k = 0, t = Date.UTC(2016, 0, 1); k < K; k++, t += 12 * 86400000) {
    dates.push(new Date(t).toISOString().slice(0, 10).replaceAll("-", ""));
  }
  w.writeWhole("date", dates);
  w.create("timeseries", [K, L, W], "<f");
  const rows = Math.max(1, Math.floor((8 << 20) / (4 * W)));
  for (let r0 = 0; r0 < L; r0 += rows) {
    const r1 = Math.min(L, r0 + rows), n = (r1 - r0) * W;
    const block = new Float32Array(K * n);
    for (let k = 0; k < K; k++) {
      const a = 0.02 * (rand() - 0.5), b = 0.02 * (rand() - 0.5), c = 0.01 * (rand() - 0.5);
      for (let y = r0; y < r1; y++) {
        const v = y / L;
        for (let x = 0; x < W; x++) {
          const u = x / W, i = k * n + (y - r0) * W + x;
          if (y < L / 10 && x < W / 10) block[i] = NaN;
          else if ((x * 7919 + y * 104729) % 9973 === 0) block[i] = 0;
          else block[i] = a * v * v + b * u * u + c * u * v + 0.003 * (rand() - 0.5);
        }
      }
    }
    writeStackRows(w, "timeseries", [0, K], [r0, r1], W, block);
  }
  w.commit();
  const m = await H5Writer.create(maskPath);
  m.setAttrs({ FILE_TYPE: "mask", UNIT: "1", LENGTH: String(L), WIDTH: String(W) });
  const mask = new Int8Array(L * W);
  for (let i = 0; i < L * W; i++) mask[i] = rand() < 0.7 ? 1 : 0;
  m.create("mask", [L, W], "|b1");
  m.write("mask", [[0, L], [0, W]], mask);
  m.commit();
}

/**
 * Child mode: read the stack once, in groups of whole images of about 16 MB (date order:
 * sequential in this contiguous file, the fastest read found), as the command does.
 */
async function readOnce(path: string): Promise<void> {
  const r = await H5Reader.open(path);
  const group = Math.max(1, Math.min(K, Math.floor((16 << 20) / (4 * L * W))));
  const buf = new Float32Array(group * L * W);
  for (let k0 = 0; k0 < K; k0 += group) {
    const k1 = Math.min(K, k0 + group);
    readStackRows(r, "timeseries", [k0, k1], [0, L], W, buf.subarray(0, (k1 - k0) * L * W));
  }
  r.close();
}

/** Child mode: write a stack of the same size once. */
async function writeOnce(path: string): Promise<void> {
  const w = await H5Writer.create(path);
  w.create("timeseries", [K, L, W], "<f", { chunks: [1, Math.min(L, 64), W] });
  const group = Math.max(1, Math.min(K, Math.floor((16 << 20) / (4 * L * W))));
  const buf = new Float32Array(group * L * W).fill(1);
  for (let k0 = 0; k0 < K; k0 += group) {
    const k1 = Math.min(K, k0 + group);
    writeStackRows(w, "timeseries", [k0, k1], [0, L], W, buf.subarray(0, (k1 - k0) * L * W));
  }
  w.commit();
}

/**
 * Child mode: write as many bytes as the stack to a plain file, 16 MB per call, with no
 * HDF5 (the least any writer of the deramped stack pays); reports the loop's own time.
 */
function rawWriteOnce(path: string): void {
  const buf = new Uint8Array(16 << 20).fill(1);
  const t0 = performance.now();
  const f = Deno.openSync(path, { write: true, create: true, truncate: true });
  for (let left = K * L * W * 4; left > 0; left -= buf.length) {
    f.writeSync(buf.subarray(0, Math.min(left, buf.length)));
  }
  f.close();
  console.error(`inside: ${((performance.now() - t0) / 1000).toFixed(3)}`);
}

/** The fastest of `repeat` runs of {@link timedOnce}; `after` runs after each (untimed). */
async function timed(
  cmd: string[],
  cwd: string,
  after?: () => void,
): Promise<Timing> {
  let best: Timing | null = null;
  for (let i = 0; i < repeat; i++) {
    const r = await timedOnce(cmd, cwd);
    after?.();
    if (!best || r.s < best.s) best = r;
  }
  return best!;
}

/** Wall seconds and peak RSS (MB); `inside`: the seconds a child reports of its own work. */
interface Timing {
  s: number;
  mb: number;
  inside?: number;
}

/** Run a command in `cwd`; wall seconds and peak RSS (MB) from /usr/bin/time. */
async function timedOnce(cmd: string[], cwd: string): Promise<Timing> {
  const p = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %M", ...cmd],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(p.stderr).trim().split("\n");
  if (!p.success) throw new Error(`${cmd.join(" ")} failed:\n${lines.join("\n")}`);
  const [s, kb] = lines.at(-1)!.split(" ").map(Number);
  const inside = lines.find((l) => l.startsWith("inside: "));
  return { s: s!, mb: kb! / 1024, inside: inside ? Number(inside.slice(8)) : undefined };
}

if (argv[0] === "--child-open") (await H5Reader.open(argv[1]!)).close();
else if (argv[0] === "--child-read") await readOnce(argv[1]!);
else if (argv[0] === "--child-write") await writeOnce(argv[1]!);
else if (argv[0] === "--child-raw-write") rawWriteOnce(argv[1]!);
else {
  Deno.mkdirSync(dir, { recursive: true });
  const input = `${dir}/ts_${K}x${L}x${W}.h5`, mask = `${dir}/mask_${L}x${W}.h5`;
  try {
    Deno.statSync(input);
    Deno.statSync(mask);
  } catch {
    console.log(`writing synthetic input ${input} ...`);
    await makeInputs(input, mask);
  }
  const work = Deno.makeTempDirSync({ dir, prefix: "run-" });
  Deno.symlinkSync(input, `${work}/timeseriesResidual.h5`);
  Deno.symlinkSync(mask, `${work}/maskTempCoh.h5`);
  const deno = Deno.execPath();
  const mem = maxMemory ? ["--max-memory", maxMemory] : [];
  const gb = (K * L * W * 4) / 1e9;
  const rows: Array<[string, Timing]> = [];
  // Warm the page cache so every run reads from memory.
  // Children get the same sizes (they read K, L, W from their own arguments).
  const size = ["--dates", String(K), "--length", String(L), "--width", String(W)];
  const child = (mode: string, path: string) => [deno, "run", "-A", self, mode, path, ...size];
  await timedOnce(child("--child-read", input), work);
  rows.push([
    "start-up: load h5wasm, open the file",
    await timed(child("--child-open", input), work),
  ]);
  rows.push([
    "read the stack once",
    await timed(child("--child-read", input), work),
  ]);
  rows.push([
    "write a stack once",
    await timed(
      child("--child-write", `${work}/w.h5`),
      work,
      () => Deno.removeSync(`${work}/w.h5`),
    ),
  ]);
  rows.push([
    "write the same bytes once, raw (no HDF5)",
    await timed(
      child("--child-raw-write", `${work}/w.bin`),
      work,
      () => Deno.removeSync(`${work}/w.bin`),
    ),
  ]);
  rows.push([
    "timeseries_rms -r quadratic",
    await timed(
      [deno, "run", "-A", cli, "timeseries_rms", "timeseriesResidual.h5", "-q", ...mem],
      work,
    ),
  ]);
  rows.push([
    "timeseries_rms -r quadratic --workers 1",
    await timed(
      [
        deno,
        "run",
        "-A",
        cli,
        "timeseries_rms",
        "timeseriesResidual.h5",
        "-q",
        "--workers",
        "1",
        ...mem,
      ],
      work,
    ),
  ]);
  rows.push([
    "timeseries_rms -r no",
    await timed(
      [deno, "run", "-A", cli, "timeseries_rms", "timeseriesResidual.h5", "-r", "no", "-q", ...mem],
      work,
    ),
  ]);
  console.log(
    `\n${K} dates x ${L} x ${W} pixels (${
      gb.toFixed(2)
    } GB float32), ${navigator.hardwareConcurrency} cores`,
  );
  console.log("| step | wall (s) | peak RSS (MB) |\n|---|---:|---:|");
  for (const [name, r] of rows) console.log(`| ${name} | ${r.s.toFixed(2)} | ${r.mb.toFixed(0)} |`);
  const base = rows[0]![1].s, read = rows[1]![1].s, write = rows[2]![1].s;
  const rawWrite = rows[3]![1].inside!, total = rows[4]![1].s;
  console.log(
    `\nquadratic deramp (default) / read once = ${
      (total / read).toFixed(2)
    }; / (read once + write once - start-up) = ${(total / (read + write - base)).toFixed(2)}`,
  );
  console.log(
    `1.2 x read once leaves ${(0.2 * read).toFixed(3)} s beyond the read; writing the ` +
      `deramped stack's bytes alone (raw, no HDF5) takes ${rawWrite.toFixed(3)} s`,
  );
  Deno.removeSync(work, { recursive: true });
}
