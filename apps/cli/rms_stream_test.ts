import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { log } from "@vinsar/core";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { openMaskFile } from "./mask_file.ts";
import { streamResidualRms } from "./rms_stream.ts";
import { referenceDir } from "./test_reference.ts";

const ref = referenceDir();
log.setLevel("warn");

async function run(maxBlockBytes: number, dir: string, name: string) {
  const input = `${ref}/sim-small/timeseriesResidual.h5`;
  const reader = await H5Reader.open(input);
  const [K, L, W] = reader.info("timeseries").shape as [number, number, number];
  const mask = await openMaskFile(`${ref}/sim-small/maskTempCoh.h5`, L, W, input);
  const writer = await H5Writer.create(`${dir}/${name}`);
  writer.create("timeseries", [K, L, W], "<f");
  const a = reader.attrs();
  const res = streamResidualRms({
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
  name: "streaming: one-row blocks (two passes, re-reads) equal one block (read once)",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync();
    try {
      const one = await run(1e9, dir, "one.h5");
      const tiny = await run(1, dir, "tiny.h5");
      strictEqual(one.blocks, 1);
      strictEqual(one.reads, 1);
      strictEqual(tiny.blocks, 60);
      // Pass 2 re-reads every block but the last one of pass 1.
      strictEqual(tiny.reads, 2 * 60 - 1);
      let maxDiff = 0;
      for (let i = 0; i < one.data.length; i++) {
        const a = one.data[i]!, b = tiny.data[i]!;
        ok(Number.isNaN(a) === Number.isNaN(b));
        if (!Number.isNaN(a)) maxDiff = Math.max(maxDiff, Math.abs(a - b));
      }
      ok(maxDiff < 1e-9, `max difference ${maxDiff}`);
      deepStrictEqual(
        Array.from(one.rms, (v) => v.toPrecision(12)),
        Array.from(tiny.rms, (v) => v.toPrecision(12)),
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
