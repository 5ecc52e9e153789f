import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { join } from "node:path";
import {
  arraySpec,
  compactList,
  parseMemory,
  readClusterConfig,
  splitRange,
  taskIndex,
  tileCount,
} from "./mod.ts";

Deno.test("task index: --index first, then SLURM, AWS Batch and Kubernetes variables", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  strictEqual(taskIndex("3", env({ SLURM_ARRAY_TASK_ID: "5" })), 3);
  strictEqual(taskIndex(undefined, env({ SLURM_ARRAY_TASK_ID: "5" })), 5);
  strictEqual(taskIndex(undefined, env({ AWS_BATCH_JOB_ARRAY_INDEX: "7" })), 7);
  strictEqual(taskIndex(undefined, env({ JOB_COMPLETION_INDEX: "0" })), 0);
  // SLURM_ARRAY_TASK_COUNT is never read: the range comes from the plan.
  strictEqual(
    taskIndex(undefined, env({ SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "1" })),
    2,
  );
  throws(() => taskIndex(undefined, env({})), /no tile index: give --index/);
  throws(() => taskIndex("-1", env({})), /flag --index: "-1" is not a tile index/);
  throws(
    () => taskIndex(undefined, env({ AWS_BATCH_JOB_ARRAY_INDEX: "x" })),
    /AWS_BATCH_JOB_ARRAY_INDEX: "x"/,
  );
});

Deno.test("tiles: near-equal ranges, at least the workers, each within a task's memory", () => {
  deepStrictEqual(splitRange(10, 4), [[0, 2], [2, 5], [5, 7], [7, 10]]);
  deepStrictEqual(splitRange(3, 8), [[0, 1], [1, 2], [2, 3]]);
  strictEqual(tileCount(1000, 1e6, { workers: 4, taskBytes: 1e9 }), 4);
  strictEqual(tileCount(1000, 1e6, { workers: 4, taskBytes: 1e8 }), 10);
  strictEqual(tileCount(5, 1e6, { workers: 8, taskBytes: 1e9 }), 5);
  strictEqual(tileCount(1000, 1e6, { workers: 4, taskBytes: 1e8, tiles: 6 }), 6);
  strictEqual(compactList([0, 1, 2, 5, 7, 8]), "0-2,5,7-8");
  strictEqual(arraySpec([0, 1, 2, 3], 2), "0-3%2");
});

Deno.test("cluster config: MintPy's dask jobqueue section, vinsar's file, unknown sections", () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-cluster-cfg-" });
  try {
    const dask = join(dir, "mintpy.yaml");
    Deno.writeTextFileSync(
      dask,
      [
        "jobqueue:",
        "  slurm:",
        "    name: mintpy_worker",
        "    cores: 2",
        "    memory: 8GB",
        "    walltime: '01:00:00'",
        "    queue: normal",
        "    account: TG-123",
        "    job-extra-directives: ['--exclusive', '#SBATCH --qos=low']",
        "  pbs:",
        "    cores: 4",
      ].join("\n"),
    );
    const c = readClusterConfig(undefined, [dask]);
    strictEqual(c.source, dask);
    strictEqual(c.partition, "normal");
    strictEqual(c.account, "TG-123");
    strictEqual(c.walltime, "01:00:00");
    strictEqual(c.memoryBytes, 8e9);
    strictEqual(c.cores, 2);
    deepStrictEqual(c.directives, ["--exclusive", "--qos=low"]);
    strictEqual(c.retries, 2);
    strictEqual(readClusterConfig("pbs", [dask]).cores, 4);
    throws(
      () => readClusterConfig("gpu", [dask]),
      /flag --config: no jobqueue section "gpu" in .*mintpy.yaml \(sections: slurm .*, pbs/,
    );
    // No file at all: the built-in defaults for "slurm".
    const none = readClusterConfig(undefined, [join(dir, "absent.yaml")]);
    strictEqual(none.source, null);
    deepStrictEqual(none.directives, []);
    const own = join(dir, "cluster.yaml");
    Deno.writeTextFileSync(own, "jobqueue:\n  slurm:\n    partition: debug\n    retries: 0\n");
    const o = readClusterConfig(undefined, [join(dir, "absent.yaml"), own]);
    strictEqual(o.partition, "debug");
    strictEqual(o.retries, 0);
    strictEqual(parseMemory("4 GiB", "m"), 4 * 1024 ** 3);
    strictEqual(parseMemory("500MB", "m"), 5e8);
    throws(() => parseMemory("lots", "x.memory"), /x.memory: "lots" is not a memory size/);
    ok(true);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
