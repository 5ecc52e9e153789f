/**
 * Benchmark of `vinsar simulate`: wall time, the command's own split (date phases incl.
 * turbulence FFTs and the truth time-series / interferograms computed and written / truth
 * maps), peak RSS and output size, each case a fresh process in an empty folder:
 *
 * - the reference size: 500k pixels, 102 dates, 300 interferograms, LZF connectComponent;
 * - the same with a 256 MB budget (date phases in a scratch file, small row blocks);
 * - gzip on a smaller stack; a 500k-pixel `--timeseries-only`.
 *
 *   deno run -A benchmarks/simulate.ts [--small] [--keep DIR]
 *
 * `--small` runs 100k pixels and 40 dates instead (seconds in total).
 * @module
 */
const argv = Deno.args;
const small = argv.includes("--small");
const keepIdx = argv.indexOf("--keep");
const keepDir = keepIdx >= 0 ? argv[keepIdx + 1] : undefined;
const cli = new URL("../apps/cli/main.ts", import.meta.url).pathname;

interface Case {
  name: string;
  args: string[];
}

const big = small
  ? ["--pixels", "100000", "--dates", "40"]
  : ["--pixels", "500000", "--dates", "102"];
const mid = small
  ? ["--pixels", "50000", "--dates", "30"]
  : ["--pixels", "200000", "--dates", "60"];
const cases: Case[] = [
  { name: "stack, LZF cc", args: [...big, "--lzf-cc"] },
  { name: "stack, 256 MB budget", args: [...big, "--lzf-cc", "--max-memory", "0.25"] },
  { name: "stack, gzip", args: [...mid, "--gzip", "--lzf-cc"] },
  { name: "timeseries only", args: [...big, "--timeseries-only"] },
];

/** Run one case in a fresh folder; wall s, peak RSS MB, the command's log, output MB. */
async function run(c: Case): Promise<{ s: number; mb: number; log: string; outMb: number }> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-bench-sim-" });
  try {
    const p = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "TIME %e %M", Deno.execPath(), "run", "-A", cli, "simulate", ...c.args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    // The size and split lines are info lines (stdout); time's TIME line is on stderr.
    const dec = new TextDecoder();
    const err = dec.decode(p.stdout) + dec.decode(p.stderr);
    if (p.code !== 0) throw new Error(`${c.name} failed:\n${err}`);
    const m = /TIME ([\d.]+) (\d+)/.exec(err)!;
    let bytes = 0;
    for (const e of Deno.readDirSync(dir)) bytes += Deno.statSync(`${dir}/${e.name}`).size;
    if (keepDir) {
      Deno.mkdirSync(keepDir, { recursive: true });
      for (const e of Deno.readDirSync(dir)) {
        Deno.renameSync(`${dir}/${e.name}`, `${keepDir}/${c.name.replace(/\W+/g, "_")}_${e.name}`);
      }
    }
    return { s: Number(m[1]), mb: Number(m[2]) / 1024, log: err, outMb: bytes / 2 ** 20 };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

console.log(`vinsar simulate benchmark (${small ? "small" : "full"} sizes)`);
console.log(
  "case                     size                      wall s   split (dates / ifgrams / truth) s   peak MB   output MB",
);
for (const c of cases) {
  const r = await run(c);
  const size = /simulate (\d+ x \d+) pixels, (\d+) dates.*?, (\d+) interferograms/.exec(r.log);
  const split = /dates ([\d.]+) s, interferograms ([\d.]+) s, truth ([\d.]+) s/.exec(r.log);
  const where = /date phases in ([a-z ]+),/.exec(r.log)?.[1] ?? "";
  console.log(
    `${c.name.padEnd(24)} ${(size ? `${size[1]}, ${size[2]} d, ${size[3]} ifg` : "").padEnd(25)} ${
      r.s.toFixed(1).padStart(6)
    }   ${(split ? `${split[1]} / ${split[2]} / ${split[3]}` : "").padEnd(34)} ${
      r.mb.toFixed(0).padStart(7)
    }   ${r.outMb.toFixed(0).padStart(9)}${where ? `   (phases in ${where})` : ""}`,
  );
}
