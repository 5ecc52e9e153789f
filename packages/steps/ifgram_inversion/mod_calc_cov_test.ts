import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader } from "@vinsar/hdf5";
import { TEST_DATES, TEST_SHAPE, writeTestStack } from "@vinsar/hdf5/testing";
import { registerBuiltinBackends } from "../pipeline/backends.ts";
import { silentReporter } from "../reporter.ts";
import { run as simulate } from "../simulate/mod.ts";
import { run } from "./mod.ts";

await registerBuiltinBackends();

Deno.test("calcCov: MintPy's timeseriesDecorCov.h5, the same in 2-row blocks over 2 workers", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-cov-" });
  try {
    Deno.mkdirSync(`${dir}/inputs`);
    const stackFile = `${dir}/inputs/ifgramStack.h5`;
    await writeTestStack(stackFile);
    Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, "mintpy.reference.date = 20200125\n");
    const outputs = (tag: string) =>
      [`${dir}/ts_${tag}.h5`, `${dir}/tcoh_${tag}.h5`, `${dir}/num_${tag}.h5`] as const;
    // -w no: the covariance still comes from the var weight of the coherence.
    const common = {
      stackFile,
      weightFunc: "no",
      calcCov: true,
      backend: "ts",
      reporter: silentReporter,
    } as const;
    const one = await run({ ...common, outfile: outputs("one"), workers: 1 });
    const pool = await run({ ...common, outfile: outputs("pool"), workers: 2, maxBlockRows: 2 });
    strictEqual(one.covFile, `${dir}/ts_oneDecorCov.h5`);
    strictEqual(pool.covFile, `${dir}/ts_poolDecorCov.h5`);
    strictEqual(pool.stats!.blocks, 3);
    strictEqual(pool.stats!.threads, 2);
    deepStrictEqual(pool.stats!.covariance!.counts, one.stats!.covariance!.counts);
    const { L, W } = TEST_SHAPE, N = TEST_DATES.length;
    const counts = one.stats!.covariance!.counts;
    strictEqual(counts.pixels, L * W);
    ok(counts.connected > 0);

    const a = await H5Reader.open(one.covFile!), b = await H5Reader.open(pool.covFile!);
    const ts = await H5Reader.open(outputs("one")[0]);
    try {
      deepStrictEqual(a.datasets().sort(), ["date", "timeseries"]);
      const info = a.info("timeseries");
      deepStrictEqual(info.shape, [N, N, L, W]);
      strictEqual(info.dtype, "<f");
      deepStrictEqual(a.readStrings("date"), TEST_DATES);
      // The time-series file's attributes, with the covariance's REF_DATE.
      deepStrictEqual(a.attrs(), { ...ts.attrs(), REF_DATE: "20200125" });
      strictEqual(a.attrs().FILE_TYPE, "timeseries");
      strictEqual(a.attrs().UNIT, "m");
      const x = a.read("timeseries"), y = b.read("timeseries");
      ok(x.every((v, i) => v === y[i]), "blocks over workers differ from one block");
      // Zero row and column at the reference date (index 2), a positive diagonal elsewhere.
      const P = L * W, pix = 1 * W + 1;
      for (let d = 0; d < N; d++) {
        strictEqual(x[(2 * N + d) * P + pix], 0);
        strictEqual(x[(d * N + 2) * P + pix], 0);
        if (d !== 2) ok(x[(d * N + d) * P + pix]! > 0, `date ${d} variance`);
      }
      // The reference pixel has no data (its phase is 0 after referencing): all zero.
      const refPix = 2 * W + 3;
      for (let i = 0; i < N * N; i++) strictEqual(x[i * P + refPix], 0);
    } finally {
      a.close();
      b.close();
      ts.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("calcCov: blocks are planned with the N x N covariance of each pixel", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-cov-plan-" });
  try {
    const stackFile = `${dir}/inputs/ifgramStack.h5`;
    await simulate({
      length: 120,
      width: 150,
      numDates: 40,
      outfile: stackFile,
      truthFile: null,
      reporter: silentReporter,
    });
    Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, "mintpy.reference.date = auto\n");
    const r = await H5Reader.open(stackFile);
    const first = r.readStrings("date")[0]!.slice(0, 8);
    r.close();
    Deno.writeTextFileSync(`${dir}/reference_date.txt`, `${first}\n`);
    const maxMemory = 0.08;
    const options = {
      stackFile,
      weightFunc: "var",
      backend: "ts",
      workers: 1,
      maxMemory,
      reporter: silentReporter,
    } as const;
    const out = (tag: string) =>
      [`${dir}/ts_${tag}.h5`, `${dir}/q_${tag}.h5`, `${dir}/n_${tag}.h5`] as const;
    const plain = await run({ ...options, outfile: out("plain") });
    const cov = await run({ ...options, calcCov: true, outfile: out("cov") });
    const N = cov.stats!.numDate, W = cov.stats!.width;
    // Without the covariance the whole image is one block; with it (8.5 MB per image row
    // here) the blocks hold what the budget allows.
    strictEqual(plain.stats!.blocks, 1);
    ok(cov.stats!.blocks > 1, `${cov.stats!.blocks} block(s)`);
    ok(cov.stats!.rowsPerBlock * W * 4 * N * N <= maxMemory * 1024 ** 3);
    const c = await H5Reader.open(cov.covFile!);
    try {
      deepStrictEqual(c.info("timeseries").shape, [N, N, 120, 150]);
      strictEqual(c.attrs().REF_DATE, first);
    } finally {
      c.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
