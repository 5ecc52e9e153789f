import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { h5Differences } from "@vinsar/hdf5/testing";
import { createPlan } from "@vinsar/steps/tiles";
import { registerBuiltinBackends } from "@vinsar/steps/pipeline";
import { cliStderr, runCli, scratchStack } from "../test_reference.ts";

const OUTPUTS = ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"];

/** The small stack planned into 3 tiles of rows (in-process), in a fresh folder. */
async function planned(): Promise<{ dir: string; planPath: string }> {
  await registerBuiltinBackends();
  const dir = await scratchStack();
  const { path } = await createPlan(
    "ifgram_inversion",
    {
      stackFile: join(dir, "inputs/ifgramStack.h5"),
      weightFunc: "var",
      outfile: OUTPUTS.map((f) => join(dir, f)),
    },
    { workers: 3, taskBytes: 1e9, workDir: dir },
  );
  return { dir, planPath: path };
}

Deno.test({
  name: "tile run / merge: 3 tiles merged equal one run; a done tile is not run again",
  sanitizeResources: false,
  async fn() {
    const { dir, planPath } = await planned();
    const single = await scratchStack();
    try {
      strictEqual(
        (await runCli(["ifgram_inversion", "inputs/ifgramStack.h5", "-w", "var"], single)).code,
        0,
      );
      // The merge refuses while tiles are missing, naming them.
      let r = await runCli(["tile", "merge", planPath], dir);
      strictEqual(r.code, 2);
      ok(/3 of 3 tile\(s\) not done: 0-2/.test(r.stderr), r.stderr);
      for (const i of [0, 1, 2]) {
        r = await runCli(["tile", "run", planPath, "--index", String(i)], dir);
        strictEqual(r.code, 0, r.stderr);
      }
      // The index from SLURM's variable; done already: nothing run, nothing changed.
      const marker = join(dir, ".vinsar", planPath.split("/").at(-2)!, "tile-1.done.json");
      const before = Deno.statSync(marker).mtime?.getTime();
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("../main.ts", import.meta.url).pathname,
          "tile",
          "run",
          planPath,
        ],
        env: { SLURM_ARRAY_TASK_ID: "1", NO_COLOR: "1" },
        cwd: dir,
        stdout: "piped",
      }).output();
      strictEqual(out.code, 0);
      ok(/tile 1 of plan \w+ is done: nothing to run/.test(new TextDecoder().decode(out.stdout)));
      strictEqual(Deno.statSync(marker).mtime?.getTime(), before);
      r = await runCli(["tile", "merge", planPath], dir);
      strictEqual(r.code, 0, r.stderr);
      for (const f of OUTPUTS) {
        // FILE_PATH names the folder of the run.
        deepStrictEqual(await h5Differences(join(single, f), join(dir, f), ["FILE_PATH"]), [], f);
      }
      // Merging again gives the same files.
      const first = await Deno.readFile(join(dir, "numInvIfgram.h5"));
      r = await runCli(["tile", "merge", planPath, "--clean"], dir);
      strictEqual(r.code, 0, r.stderr);
      deepStrictEqual(
        await h5Differences(join(single, OUTPUTS[0]!), join(dir, OUTPUTS[0]!), [
          "FILE_PATH",
        ]),
        [],
      );
      ok(first.length > 0);
      ok(!exists(join(dir, ".vinsar")), "parts and the plan folder removed");
    } finally {
      Deno.removeSync(dir, { recursive: true });
      Deno.removeSync(single, { recursive: true });
    }
  },
});

Deno.test({
  name: "tile run refuses changed inputs; merge names the tile of a corrupt part",
  sanitizeResources: false,
  async fn() {
    const { dir, planPath } = await planned();
    try {
      for (const i of [0, 1, 2]) {
        strictEqual((await runCli(["tile", "run", planPath, "--index", String(i)], dir)).code, 0);
      }
      const part = join(planPath, "..", "tile-1", "timeseries.h5");
      const bytes = await Deno.readFile(part);
      await Deno.writeFile(part, bytes.subarray(0, Math.floor(bytes.length / 2)));
      let r = await runCli(["tile", "merge", planPath], dir);
      strictEqual(r.code, 2);
      const line = r.stderr.trim().split("\n").at(-1)!;
      ok(/tile 1: part file .*timeseries.h5 is (missing or )?corrupt/.test(line), line);
      for (const f of OUTPUTS) ok(!exists(join(dir, f)), `${f} left behind`);
      // A tile whose marker survived its part (a removal killed half-way) is not done.
      Deno.removeSync(join(planPath, "..", "tile-0", "numInvIfgram.h5"));
      r = await runCli(["tile", "merge", planPath], dir);
      strictEqual(r.code, 2);
      ok(/1 of 3 tile\(s\) not done: 0 /.test(r.stderr), r.stderr);
      // An input rewritten after planning: a task refuses.
      Deno.removeSync(join(planPath, "..", "tile-2.done.json"));
      const stack = join(dir, "inputs/ifgramStack.h5");
      const s = await Deno.readFile(stack);
      await Deno.writeFile(stack, s);
      Deno.utimeSync(stack, new Date(), new Date(Date.now() + 5000));
      r = await runCli(["tile", "run", planPath, "--index", "2"], dir);
      strictEqual(r.code, 2);
      ok(/ifgramStack.h5: input changed since planning/.test(r.stderr), r.stderr);
      r = await runCli(["tile", "run", planPath, "--index", "9"], dir);
      ok(/tile index 9 is outside plan \w+'s tiles 0-2/.test(r.stderr), r.stderr);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "--cluster: pbs refused, sbatch missing, --num-worker 0, unknown --config: one line each",
  sanitizeResources: false,
  async fn() {
    const dir = await scratchStack();
    Deno.writeTextFileSync(
      join(dir, "inputs", "cluster.yaml"),
      "jobqueue:\n  slurm:\n    cores: 1\n",
    );
    Deno.writeTextFileSync(join(dir, "inputs", "pbs.cfg"), "mintpy.compute.cluster = pbs\n");
    try {
      const cases: Array<[string[], RegExp, Record<string, string>?]> = [
        [["-c", "pbs"], /flag --cluster: pbs is not supported: use -c slurm/],
        [
          ["-t", "inputs/pbs.cfg"],
          /inputs\/pbs.cfg: mintpy.compute.cluster: pbs is not supported: use -c slurm/,
        ],
        [["-c", "slurm", "--num-worker", "0"], /flag --num-worker: "0" must be a whole number/],
        [["-c", "slurm"], /--cluster slurm: sbatch not found on PATH/, { PATH: "/nonexistent" }],
        [
          ["-c", "slurm", "--config", "nosuch"],
          /flag --config: no jobqueue section "nosuch"/,
          { VINSAR_CLUSTER_CONFIG: join(dir, "inputs", "cluster.yaml") },
        ],
      ];
      for (const [args, pattern, env] of cases) {
        const out = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            new URL("../main.ts", import.meta.url).pathname,
            "ifgram_inversion",
            "inputs/ifgramStack.h5",
            ...args,
          ],
          env: { NO_COLOR: "1", ...(env ?? {}) },
          cwd: dir,
          stdout: "null",
          stderr: "piped",
        }).output();
        const err = cliStderr(out.stderr).trim();
        strictEqual(out.code, 2, `${args.join(" ")}: ${err}`);
        strictEqual(err.split("\n").length, 1, err);
        ok(pattern.test(err), `${args.join(" ")}: ${err}`);
        ok(!exists(join(dir, "timeseries.h5")) && !exists(join(dir, ".vinsar")), "left behind");
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}
