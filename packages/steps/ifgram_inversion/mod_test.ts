import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader } from "@vinsar/hdf5";
import { TEST_SHAPE, writeTestStack } from "@vinsar/hdf5/testing";
import { registerBuiltinBackends } from "../pipeline/backends.ts";
import { silentReporter } from "../reporter.ts";
import { run } from "./mod.ts";

await registerBuiltinBackends();

async function readAll(paths: readonly string[]): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [i, p] of paths.entries()) {
    const r = await H5Reader.open(p);
    try {
      for (const name of r.datasets()) {
        if (name !== "date") {
          out[`${i}:${name}`] = Array.from(r.read(name), Number);
        }
      }
    } finally {
      r.close();
    }
  }
  return out;
}

Deno.test("run: 2-row blocks over 2 workers write what one thread writes", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-step-" });
  try {
    Deno.mkdirSync(`${dir}/inputs`);
    const stackFile = `${dir}/inputs/ifgramStack.h5`;
    await writeTestStack(stackFile);
    const outputs = (tag: string) =>
      [`${dir}/ts_${tag}.h5`, `${dir}/tcoh_${tag}.h5`, `${dir}/num_${tag}.h5`] as const;
    const common = {
      stackFile,
      weightFunc: "var",
      backend: "ts",
      reporter: silentReporter,
    } as const;
    const one = await run({ ...common, outfile: outputs("one"), workers: 1 });
    const pool = await run({ ...common, outfile: outputs("pool"), workers: 2, maxBlockRows: 2 });
    const { L, W } = TEST_SHAPE;
    strictEqual(one.skipped, false);
    strictEqual(one.stats!.threads, 1);
    strictEqual(one.stats!.executor, "in-process");
    strictEqual(pool.stats!.threads, 2);
    strictEqual(pool.stats!.blocks, 3);
    strictEqual(pool.stats!.rowsPerBlock, 2);
    strictEqual(pool.stats!.numIfgram, 6);
    strictEqual(pool.stats!.counts.pixels, L * W);
    deepStrictEqual(pool.stats!.counts, one.stats!.counts);
    deepStrictEqual(pool.outfile, [...outputs("pool")]);
    const a = await readAll(outputs("one")), b = await readAll(outputs("pool"));
    deepStrictEqual(Object.keys(b), Object.keys(a));
    for (const k of Object.keys(a)) {
      ok(a[k]!.every((v, i) => v === b[k]![i]), `${k} differs between 1 and 2 threads`);
    }
    // MintPy's convention at the reference pixel (REF_Y 2, REF_X 3).
    strictEqual(a["1:temporalCoherence"]![2 * W + 3], 1);
    strictEqual(a["2:mask"]![2 * W + 3], 6);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("run: updateMode skips outputs that are up to date, with stats null", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-step-" });
  try {
    Deno.mkdirSync(`${dir}/inputs`);
    const stackFile = `${dir}/inputs/ifgramStack.h5`;
    await writeTestStack(stackFile);
    const outfile = [`${dir}/a.h5`, `${dir}/b.h5`, `${dir}/c.h5`] as const;
    const options = {
      stackFile,
      outfile,
      weightFunc: "no",
      backend: "ts",
      updateMode: true,
      reporter: silentReporter,
    } as const;
    strictEqual((await run(options)).skipped, false);
    const again = await run(options);
    strictEqual(again.skipped, true);
    strictEqual(again.stats, null);
    strictEqual((await run({ ...options, minNormVelocity: false })).skipped, false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
