import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { log } from "@vinsar/core";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { openMaskFile } from "./mask_file.ts";
import { streamResidualRms } from "./rms_stream.ts";
import { referenceDir } from "./test_reference.ts";

const ref = referenceDir();
log.setLevel("warn");

async function run(maxBlockBytes: number, dir: string, name: string, workers = 1) {
  const input = `${ref}/sim-small/timeseriesResidual.h5`;
  const reader = await H5Reader.open(input);
  const [K, L, W] = reader.info("timeseries").shape as [number, number, number];
  const mask = await openMaskFile(`${ref}/sim-small/maskTempCoh.h5`, L, W, input);
  const writer = await H5Writer.create(`${dir}/${name}`);
  writer.create("timeseries", [K, L, W], "<f");
  const a = reader.attrs();
  const res = await streamResidualRms({
    reader,
    dataset: "timeseries",
    numDates: K,
    length: L,
    width: W,
    mask,
    ramp: "quadratic",
    ref: { y: Number(a.REF_Y), x: Number(a.REF_X) },
    writer,
    solver: createTsSolver(),
    budgetBytes: 1e9,
    maxBlockBytes,
    workers,
  });
  writer.commit();
  mask?.close();
  reader.close();
  const out = await H5Reader.open(`${dir}/${name}`);
  const data = out.read("timeseries") as Float32Array;
  out.close();
  return { ...res, data };
}

Deno.test({
  name: "streaming: one-row blocks (two passes, re-reads) and groups of 2 dates equal one block",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync();
    try {
      const one = await run(1e9, dir, "one.h5");
      const tiny = await run(1, dir, "tiny.h5");
      // Whole images of 2 dates (5 bytes per pixel: the value and the mask byte).
      const pixels = one.data.length / one.rms.length;
      const pairs = await run(2.5 * 5 * pixels, dir, "pairs.h5");
      // The same groups, each split by dates across two workers.
      const pool = await run(2.5 * 5 * pixels, dir, "pool.h5", 2);
      strictEqual(one.blocks, 1);
      strictEqual(one.reads, 1);
      strictEqual(tiny.blocks, 60);
      // Pass 2 re-reads every block but the last one of pass 1.
      strictEqual(tiny.reads, 2 * 60 - 1);
      strictEqual(pairs.blocks, Math.ceil(one.rms.length / 2));
      strictEqual(pairs.reads, pairs.blocks);
      strictEqual(pool.blocks, pairs.blocks);
      for (const other of [tiny, pairs, pool]) {
        let maxDiff = 0;
        for (let i = 0; i < one.data.length; i++) {
          const a = one.data[i]!, b = other.data[i]!;
          ok(Number.isNaN(a) === Number.isNaN(b));
          if (!Number.isNaN(a)) maxDiff = Math.max(maxDiff, Math.abs(a - b));
        }
        ok(maxDiff < 1e-9, `max difference ${maxDiff}`);
        deepStrictEqual(
          Array.from(one.rms, (v) => v.toPrecision(12)),
          Array.from(other.rms, (v) => v.toPrecision(12)),
        );
        deepStrictEqual(one.fit!.status, other.fit!.status);
        deepStrictEqual(one.fit!.validCount, other.fit!.validCount);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
