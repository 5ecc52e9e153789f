/**
 * The cluster integration test (issue 13), on a real single-node SLURM cluster.
 *
 *     deno run -A .ci/cluster_suite.ts [--pixels P] [--dates D] [--tiles N] [--keep]
 *
 * Starts the cluster with `.ci/slurm/start.sh` (Debian's slurmctld, slurmd and munge; stopped
 * again by `.ci/slurm/stop.sh`, which stops only the daemons it started). On a simulated
 * stack, for each of ifgram_inversion, timeseries2velocity (--save-res, bootstrap) and
 * timeseries_rms: runs the step in one process, then with `-c slurm --num-worker 2
 * --num-tiles N` while `scancel`-ing one task as soon as it runs, and checks that
 * - the command exits 0,
 * - the cancelled tile was resubmitted (the driver's "resubmitting tile(s) ..." line),
 * - the merged outputs equal the single-process run bit for bit: every dataset's values, and
 *   every attribute but FILE_PATH (the folder of the run); text files and charts byte for byte,
 * - no part, plan folder or temporary is left.
 * Ends with "N passed, N failed" (one check per step) and exits 1 on any failure.
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { h5Differences } from "@vinsar/hdf5/testing";

const MAIN = fileURLToPath(new URL("../apps/cli/main.ts", import.meta.url));
const SLURM = fileURLToPath(new URL("./slurm/", import.meta.url));
const DENO = Deno.execPath();
const IGNORED_ATTRS = ["FILE_PATH"];

const args = Deno.args;
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const pixels = opt("--pixels", 40_000), dates = opt("--dates", 30), tiles = opt("--tiles", 4);
const keep = args.includes("--keep");

async function sh(cmd: string, argv: string[], cwd?: string) {
  const r = await new Deno.Command(cmd, { args: argv, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

async function vinsar(argv: string[], cwd: string) {
  return await sh(DENO, ["run", "-A", MAIN, ...argv], cwd);
}

/** The last task cancelled ("<job>_<index>"), for the failure report. */
let lastCancelled = "";

/** Cancel the first vinsar task running in folder `dir`; its array index. */
async function cancelOneRunning(dir: string, stop: () => boolean): Promise<number | null> {
  while (!stop()) {
    const q = await sh("squeue", ["-h", "-o", "%i %T %j %Z"]);
    for (const line of q.stdout.split("\n")) {
      const m = /^(\d+)_(\d+) RUNNING vinsar-\S+ (\S+)$/.exec(line.trim());
      if (m && m[3] !== dir) continue;
      // Its batch script started (its log exists): a cancel now kills a running task, not a
      // launch that SLURM would requeue by itself.
      if (m && !taskLogExists(dir, m[1]!, m[2]!)) continue;
      if (m) {
        lastCancelled = `${m[1]}_${m[2]}`;
        const c = await sh("scancel", ["--verbose", `${m[1]}_${m[2]}`]);
        console.log(`scancel ${m[1]}_${m[2]}: ${c.code} ${c.stderr.trim()}`);
        return Number(m[2]);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

function taskLogExists(dir: string, job: string, index: string): boolean {
  try {
    for (const plan of Deno.readDirSync(join(dir, ".vinsar"))) {
      try {
        Deno.statSync(join(dir, ".vinsar", plan.name, "logs", `tile-${index}-${job}.out`));
        return true;
      } catch { /* not this plan */ }
    }
  } catch { /* no plan yet */ }
  return false;
}

function leftovers(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n === ".vinsar" || /\.vinsar-.+\.tmp$/.test(n) || /\.vinsar\.lock$/.test(n)
  );
}

interface StepCase {
  name: string;
  argv: string[];
  h5: string[];
  files: string[];
}

const CASES: StepCase[] = [
  {
    name: "ifgram_inversion",
    argv: ["ifgram_inversion", "inputs/ifgramStack.h5", "-w", "var"],
    h5: ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"],
    files: [],
  },
  {
    name: "timeseries2velocity",
    argv: [
      "timeseries2velocity",
      "timeseries.h5",
      "--save-res",
      "--uq",
      "bootstrap",
      "--seed",
      "5",
    ],
    h5: ["velocity.h5", "timeseriesResidual.h5"],
    files: [],
  },
  {
    name: "timeseries_rms",
    argv: ["timeseries_rms", "timeseriesResidual.h5"],
    h5: ["timeseriesResidual_ramp.h5"],
    files: [
      "rms_timeseriesResidual_ramp.txt",
      "reference_date.txt",
      "rms_timeseriesResidual_ramp.png",
    ],
  },
];

async function main(): Promise<number> {
  const started = await sh("bash", [join(SLURM, "start.sh")]);
  if (started.code !== 0) {
    console.error(`SLURM did not start:\n${started.stdout}${started.stderr}`);
    console.log("0 passed, 1 failed");
    return 1;
  }
  console.log(started.stdout.trim());
  const root = Deno.makeTempDirSync({ prefix: "vinsar-cluster-suite-" });
  let passed = 0, failed = 0;
  try {
    const single = join(root, "single"), cluster = join(root, "cluster");
    for (const d of [single, cluster]) Deno.mkdirSync(join(d, "inputs"), { recursive: true });
    const sim = await vinsar([
      "simulate",
      "--pixels",
      String(pixels),
      "--dates",
      String(dates),
      "-q",
    ], root);
    if (sim.code !== 0) throw new Error(`simulate: ${sim.stderr}`);
    for (const d of [single, cluster]) {
      Deno.copyFileSync(join(root, "ifgramStack.h5"), join(d, "inputs", "ifgramStack.h5"));
    }
    for (const c of CASES) {
      const problems: string[] = [];
      const one = await vinsar([...c.argv, "-q"], single);
      if (one.code !== 0) problems.push(`single run: ${one.stderr.trim()}`);
      let finished = false;
      const t0 = performance.now();
      const running = new Deno.Command(DENO, {
        args: [
          "run",
          "-A",
          MAIN,
          ...c.argv,
          "-c",
          "slurm",
          "--num-worker",
          "2",
          "--num-tiles",
          String(tiles),
        ],
        cwd: cluster,
        // Each task waits 3 s before its work (a testing knob of `tile run`), so the task
        // cancelled at first sight of RUNNING is cancelled while it runs, not after.
        env: { VINSAR_CLUSTER_POLL_MS: "300", VINSAR_TILE_START_DELAY_MS: "3000", NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output().finally(() => finished = true);
      const cancelled = await cancelOneRunning(cluster, () => finished);
      const r = await running;
      const seconds = (performance.now() - t0) / 1000;
      const err = new TextDecoder().decode(r.stderr);
      if (r.code !== 0) {
        problems.push(`cluster run exit ${r.code}: ${err.trim().split("\n").pop()}`);
      }
      if (cancelled === null) problems.push("no task was seen running to cancel");
      else {
        const m = /resubmitting tile\(s\) ([\d,-]+)/.exec(err);
        const again = m ? expand(m[1]!) : [];
        if (!again.includes(cancelled)) {
          problems.push(
            `tile ${cancelled} was cancelled but not resubmitted (${m?.[0] ?? "none"})`,
          );
        }
      }
      for (const f of c.h5) {
        try {
          const d = await h5Differences(join(single, f), join(cluster, f), IGNORED_ATTRS);
          if (d.length) problems.push(`${f}: ${d.slice(0, 3).join("; ")}`);
        } catch (e) {
          problems.push(`${f}: ${e instanceof Error ? e.message : e}`);
        }
      }
      for (const f of c.files) {
        try {
          const a = Deno.readFileSync(join(single, f)), b = Deno.readFileSync(join(cluster, f));
          if (a.length !== b.length || a.some((v, i) => v !== b[i])) problems.push(`${f} differs`);
        } catch (e) {
          problems.push(`${f}: ${e instanceof Error ? e.message : e}`);
        }
      }
      const left = leftovers(cluster);
      if (left.length) problems.push(`left behind: ${left.join(", ")}`);
      if (problems.length === 0) {
        passed++;
        console.log(
          `ok   ${c.name}: ${tiles} tiles, tile ${cancelled} cancelled and rerun, merged outputs ` +
            `bit for bit equal to one run (${seconds.toFixed(1)} s)`,
        );
      } else {
        failed++;
        console.log(`FAIL ${c.name}: ${problems.join(" | ")}`);
        console.log(err.split("\n").filter((l) => !l.startsWith("tiles")).join("\n"));
        console.log(new TextDecoder().decode(r.stdout));
        if (lastCancelled) {
          console.log((await sh("scontrol", ["show", "job", lastCancelled])).stdout);
        }
      }
    }
    // --no-wait: the array and a merge job are submitted and the command returns at once.
    {
      const problems: string[] = [];
      const r = await vinsar([
        "timeseries2velocity",
        "timeseries.h5",
        "-o",
        "velocity_nowait.h5",
        "--uq",
        "bootstrap",
        "--seed",
        "5",
        "-c",
        "slurm",
        "--num-worker",
        "2",
        "--num-tiles",
        String(tiles),
        "--no-wait",
      ], cluster);
      const ids = /submitted job array (\d+)[\s\S]*submitted merge job (\d+)/.exec(r.stdout);
      if (r.code !== 0 || !ids) problems.push(`exit ${r.code}: ${r.stdout}${r.stderr}`);
      if (!/merge by hand: vinsar tile merge \S+plan.json/.test(r.stdout)) {
        problems.push("no merge command printed");
      }
      // The command returned before the merge: wait for the jobs.
      for (let i = 0; i < 600 && ids; i++) {
        const q = await sh("squeue", ["-h", "-j", `${ids[1]},${ids[2]}`]);
        if (q.stdout.trim() === "") break;
        await new Promise((res) => setTimeout(res, 200));
      }
      try {
        const d = await h5Differences(
          join(single, "velocity.h5"),
          join(cluster, "velocity_nowait.h5"),
          IGNORED_ATTRS,
        );
        if (d.length) problems.push(`velocity_nowait.h5: ${d.slice(0, 3).join("; ")}`);
      } catch (e) {
        problems.push(`velocity_nowait.h5: ${e instanceof Error ? e.message : e}`);
      }
      const left = leftovers(cluster);
      if (left.length) problems.push(`left behind: ${left.join(", ")}`);
      if (problems.length === 0) {
        passed++;
        console.log("ok   --no-wait: array and merge job submitted, merged by the merge job");
      } else {
        failed++;
        console.log(`FAIL --no-wait: ${problems.join(" | ")}`);
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL setup: ${e instanceof Error ? e.message : e}`);
  } finally {
    await sh("bash", [join(SLURM, "stop.sh")]);
    if (!keep) Deno.removeSync(root, { recursive: true });
    else console.log(`kept ${root}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

function expand(list: string): number[] {
  const out: number[] = [];
  for (const p of list.split(",")) {
    const [a, b] = p.split("-").map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.push(i);
  }
  return out;
}

Deno.exit(await main());
