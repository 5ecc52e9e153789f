import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { H5Reader, H5Writer, MaskFile } from "@vinsar/hdf5";
import { silentReporter } from "../reporter.ts";
import { referenceDir } from "../testing/mod.ts";
import { type ResidualRmsStreamOptions, streamResidualRms } from "./residual_rms_stream.ts";

const ref = referenceDir();

async function run(
  maxBlockBytes: number,
  dir: string,
  name: string,
  workers = 1,
  extra: Partial<ResidualRmsStreamOptions> = {},
) {
  const input = `${ref}/sim-small/timeseriesResidual.h5`;
  const reader = await H5Reader.open(input);
  const [K, L, W] = reader.info("timeseries").shape as [number, number, number];
  const mask = await MaskFile.open(`${ref}/sim-small/maskTempCoh.h5`, {
    length: L,
    width: W,
    imageName: input,
  });
  const writer = await H5Writer.create(`${dir}/${name}`);
  writer.create("timeseries", [K, L, W], "<f");
  const a = reader.attrs();
  try {
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
      reporter: silentReporter,
      ...extra,
    });
    writer.commit();
    const out = await H5Reader.open(`${dir}/${name}`);
    const data = out.read("timeseries") as Float32Array;
    out.close();
    return { ...res, data };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    mask?.close();
    reader.close();
  }
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
      const lines: string[] = [];
      const pool = await run(2.5 * 5 * pixels, dir, "pool.h5", 2, {
        reporter: { ...silentReporter, debug: (m) => lines.push(m) },
      });
      strictEqual(lines[0], "deramping groups of 2 date(s) of whole images, 2 workers");
      ok(
        /^time \(s\): read \d+\.\d\d, deramp \d+\.\d\d, write \d+\.\d\d$/.test(lines[1]!),
        lines[1],
      );
      // Row blocks capped by rows instead of bytes (the maxBlockRows knob): all dates in one
      // chunk, just over the budget, so the two row passes run.
      const K = one.rms.length;
      const rows = await run(K * 5 * pixels - 1, dir, "rows.h5", 1, {
        chunkDates: K,
        maxBlockRows: 7,
      });
      strictEqual(one.blocks, 1);
      strictEqual(one.reads, 1);
      strictEqual(tiny.blocks, 60);
      // Pass 2 re-reads every block but the last one of pass 1.
      strictEqual(tiny.reads, 2 * 60 - 1);
      strictEqual(pairs.blocks, Math.ceil(one.rms.length / 2));
      strictEqual(pairs.reads, pairs.blocks);
      strictEqual(pool.blocks, pairs.blocks);
      strictEqual(rows.blocks, Math.ceil(60 / 7));
      strictEqual(rows.reads, 2 * rows.blocks - 1);
      for (const other of [tiny, pairs, pool, rows]) {
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

Deno.test({
  name: "streaming: a range of date units runs on its own; the row passes take no range",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync();
    try {
      const one = await run(1e9, dir, "one.h5");
      const K = one.rms.length, pixels = one.data.length / K;
      // Groups of 2 dates; run the units [1, 3) = dates [2, 6), in two pieces.
      const a = await run(2.5 * 5 * pixels, dir, "a.h5", 1, { unitRange: [1, 2] });
      const b = await run(2.5 * 5 * pixels, dir, "b.h5", 1, { unitRange: [2, 3] });
      strictEqual(a.blocks, 1);
      strictEqual(b.blocks, 1);
      strictEqual(a.fit!.numDates, 2);
      for (let k = 0; k < K; k++) {
        const piece = k >= 2 && k < 4 ? a : k >= 4 && k < 6 ? b : null;
        if (!piece) {
          ok(Number.isNaN(a.rms[k]!) && Number.isNaN(b.rms[k]!), `date ${k}`);
          continue;
        }
        strictEqual(piece.rms[k]!.toPrecision(12), one.rms[k]!.toPrecision(12));
        for (let i = k * pixels; i < (k + 1) * pixels; i++) {
          ok(
            Object.is(piece.data[i], one.data[i]) || Math.abs(piece.data[i]! - one.data[i]!) < 1e-9,
          );
        }
      }
      await rejects(run(1, dir, "c.h5", 1, { unitRange: [0, 1] }), RangeError);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
