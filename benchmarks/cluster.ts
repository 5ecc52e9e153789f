/**
 * The cluster benchmark (issue 13): `ifgram_inversion -w var` on one stack, in one process and
 * as tiles on the local single-node SLURM cluster (`.ci/slurm/start.sh`).
 *
 *     deno run -A benchmarks/cluster.ts [--pixels 2000000] [--dates 98] [--tiles 8]
 *       [--num-worker 2] [--dir /tmp/vinsar-bench-cluster] [--write-docs]
 *
 * The stack is `vinsar simulate` (3 nearest neighbours plus ~1-year pairs, as the grid
 * benchmark), made once and kept in --dir. Both runs go through `/usr/bin/time` (wall, peak
 * RSS). The clustered run's plan and merge times come from the driver's log lines; the merge
 * runs in the driver, so the driver's peak RSS bounds the merge's. The merged outputs are
 * checked equal to the one-process run, bit for bit. `--write-docs` writes
 * docs/performance/cluster.md.
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { h5Differences } from "@vinsar/hdf5/testing";

const argv = Deno.args;
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const pixels = Number(opt("--pixels", "2000000"));
const dates = Number(opt("--dates", "98"));
const tiles = Number(opt("--tiles", "8"));
const numWorker = Number(opt("--num-worker", "2"));
const dir = opt("--dir", "/tmp/vinsar-bench-cluster");
const CLI = fileURLToPath(new URL("../apps/cli/main.ts", import.meta.url));
const SLURM = fileURLToPath(new URL("../.ci/slurm/", import.meta.url));
const TIME = "/usr/bin/time";

interface Run {
  wall: number;
  rssMb: number;
  log: string;
}

async function timed(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const cmd = [Deno.execPath(), "run", "-A", CLI, ...args];
  const out = await new Deno.Command(TIME, {
    args: ["-f", "BENCHTIME %e %M", ...cmd],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const dec = new TextDecoder();
  const log = dec.decode(out.stdout) + dec.decode(out.stderr);
  if (out.code !== 0) throw new Error(`vinsar ${args.join(" ")} failed:\n${log.slice(-1500)}`);
  const m = /BENCHTIME ([\d.]+) (\d+)\s*$/.exec(log)!;
  return { wall: Number(m[1]), rssMb: Number(m[2]) / 1024, log };
}

const inputs = join(dir, "inputs");
const stamp = JSON.stringify({ pixels, dates });
let cached = false;
try {
  cached = Deno.readTextFileSync(join(inputs, "stamp.json")) === stamp;
} catch { /* not made */ }
if (!cached) {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  Deno.mkdirSync(inputs, { recursive: true });
  const s = await timed([
    "simulate",
    "--pixels",
    String(pixels),
    "--dates",
    String(dates),
    "--neighbours",
    "3",
    "--annual-pairs",
    "--no-truth",
    "-o",
    "ifgramStack.h5",
    "-q",
  ], inputs);
  console.error(`simulated ${pixels} px, ${dates} dates in ${s.wall.toFixed(1)} s`);
  Deno.writeTextFileSync(join(inputs, "stamp.json"), stamp);
}
const single = join(dir, "single"), cluster = join(dir, "cluster");
for (const d of [single, cluster]) {
  await Deno.remove(d, { recursive: true }).catch(() => {});
  Deno.mkdirSync(d, { recursive: true });
  Deno.symlinkSync(inputs, join(d, "inputs"));
}
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
const inv = ["ifgram_inversion", "inputs/ifgramStack.h5", "-w", "var"];
const loadBefore = load();
const one = await timed(inv, single);
console.error(`one process: ${one.wall.toFixed(1)} s, ${one.rssMb.toFixed(0)} MB`);
const started = await new Deno.Command("bash", { args: [join(SLURM, "start.sh")] }).output();
if (!started.success) throw new Error("SLURM did not start");
let many: Run;
try {
  many = await timed(
    [...inv, "-c", "slurm", "--num-worker", String(numWorker), "--num-tiles", String(tiles)],
    cluster,
    { VINSAR_CLUSTER_POLL_MS: "500" },
  );
} finally {
  await new Deno.Command("bash", { args: [join(SLURM, "stop.sh")] }).output();
}
const planS = Number(/cluster plan \w+: .*\(([\d.]+) s\)/.exec(many.log)?.[1] ?? NaN);
const mergeS = Number(/merge: ([\d.]+) s/.exec(many.log)?.[1] ?? NaN);
const diffs: string[] = [];
for (const f of ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"]) {
  diffs.push(...await h5Differences(join(single, f), join(cluster, f), ["FILE_PATH"]));
}
const share = (planS + mergeS) / one.wall;
const rows = [
  `| run | wall (s) | peak RSS (MB) |`,
  `| --- | ---: | ---: |`,
  `| one process (\`${inv.join(" ")}\`) | ${one.wall.toFixed(1)} | ${one.rssMb.toFixed(0)} |`,
  `| ${tiles} tiles on SLURM, ${numWorker} at once (driver: plan, wait, merge) | ${
    many.wall.toFixed(1)
  } | ${many.rssMb.toFixed(0)} |`,
];
const text = [
  `Stack: ${pixels.toLocaleString("en")} pixels, ${dates} dates (simulated, 3 nearest neighbours ` +
  `plus ~1-year pairs). Load average before: ${loadBefore}.`,
  "",
  ...rows,
  "",
  `- plan ${planS.toFixed(1)} s + merge ${mergeS.toFixed(1)} s = ${
    (100 * share).toFixed(1)
  }% of the one-process run (target: at most 15%)`,
  `- the merge runs in the driver: its peak memory is at most the driver's ${
    many.rssMb.toFixed(0)
  } MB`,
  `- merged outputs equal to the one-process run: ${
    diffs.length ? diffs.join("; ") : "bit for bit"
  }`,
].join("\n");
console.log(text);
if (argv.includes("--write-docs")) {
  const doc = fileURLToPath(new URL("../docs/performance/cluster.md", import.meta.url));
  Deno.writeTextFileSync(
    doc,
    `# Tiles on a SLURM cluster against one process\n\nMeasured on the 2-core, 24 GB Debian 12 ` +
      `machine with a single-node SLURM cluster (.ci/slurm/start.sh), ${
        new Date().toISOString().slice(0, 10)
      }:\n\n    deno run -A benchmarks/cluster.ts --pixels ${pixels} --tiles ${tiles} --num-worker ${numWorker} --write-docs\n\n${text}\n`,
  );
}
