import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Reader, H5Writer } from "./h5.ts";
import { readImage, selectDataset } from "./dataset_selector.ts";
import { TEST_SHAPE, testPhase, writeTestStack } from "./testing/mod.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-dset-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withReader(path: string, fn: (r: H5Reader) => void): Promise<void> {
  const r = await H5Reader.open(path);
  try {
    fn(r);
  } finally {
    r.close();
  }
}

const DATES = ["20200101", "20200113", "20200125"];
const SHAPE = { length: 2, width: 3 };

/** A 3 x 2 x 3 time series (value = 10 * layer + pixel), with 2-D datasets beside it. */
async function writeTimeseries(path: string, fileType: string): Promise<void> {
  const w = await H5Writer.create(path);
  w.setAttrs({ FILE_TYPE: fileType, LENGTH: "2", WIDTH: "3" });
  w.writeWhole("date", DATES);
  w.writeWhole(
    "timeseries",
    Float32Array.from({ length: 18 }, (_, i) => i + 4 * Math.floor(i / 6)),
    {
      shape: [3, 2, 3],
    },
  );
  w.writeWhole("avgCoh", Float32Array.from([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
  w.writeWhole("temporalCoherence", Float64Array.from([6, 5, 4, 3, 2, 1]), { shape: [2, 3] });
  w.writeWhole("wrongSize", Float32Array.from([1, 2, 3, 4]), { shape: [2, 2] });
  w.commit();
}

Deno.test("dataset choice: DSET a 2-D name", async () => {
  await withTemp(async (dir) => {
    await writeTimeseries(`${dir}/ts.h5`, "timeseries");
    await withReader(`${dir}/ts.h5`, (r) => {
      deepStrictEqual(selectDataset(r, "ts.h5", "temporalCoherence", SHAPE), {
        name: "temporalCoherence",
        layer: null,
      });
      // A 2-D dataset of another size is not an image of this file.
      throws(
        () => selectDataset(r, "ts.h5", "wrongSize", SHAPE),
        (e: Error) =>
          e instanceof InputError && e.message === `ts.h5: no dataset or layer "wrongSize"`,
      );
    });
  });
});

Deno.test("dataset choice: a date slice of a 3-D stack, with or without its family", async () => {
  await withTemp(async (dir) => {
    await writeTimeseries(`${dir}/ts.h5`, "timeseries");
    await withReader(`${dir}/ts.h5`, (r) => {
      deepStrictEqual(selectDataset(r, "ts.h5", "timeseries-20200113", SHAPE), {
        name: "timeseries",
        layer: 1,
      });
      deepStrictEqual(selectDataset(r, "ts.h5", "20200125", SHAPE), {
        name: "timeseries",
        layer: 2,
      });
      const img = readImage(r, { name: "timeseries", layer: 2 }, SHAPE);
      ok(img instanceof Float32Array);
      deepStrictEqual(Array.from(img), [20, 21, 22, 23, 24, 25]);
      throws(
        () => selectDataset(r, "ts.h5", "timeseries-20200102", SHAPE),
        /no dataset or layer "timeseries-20200102"/,
      );
    });
    // date12 slices of an ifgramStack (a 2-column date dataset), in any 3-D family.
    await writeTestStack(`${dir}/ifgramStack.h5`);
    const { L, W } = TEST_SHAPE;
    const shape = { length: L, width: W };
    await withReader(`${dir}/ifgramStack.h5`, (r) => {
      const pick = selectDataset(r, "s.h5", "unwrapPhase-20200113_20200206", shape);
      deepStrictEqual(pick, { name: "unwrapPhase", layer: 3 });
      const img = readImage(r, pick, shape);
      strictEqual(img[2 * W + 5], testPhase(3, 2, 5));
      deepStrictEqual(selectDataset(r, "s.h5", "coherence-20200101_20200125", shape), {
        name: "coherence",
        layer: 1,
      });
      throws(() => selectDataset(r, "s.h5", "unwrapPhase-20200113", shape), /no dataset or layer/);
    });
  });
});

Deno.test("dataset choice: no DSET takes FILE_TYPE's dataset, else the first 2-D", async () => {
  await withTemp(async (dir) => {
    await writeTimeseries(`${dir}/tcoh.h5`, "temporalCoherence");
    await withReader(`${dir}/tcoh.h5`, (r) => {
      const pick = selectDataset(r, "tcoh.h5", undefined, SHAPE);
      deepStrictEqual(pick, { name: "temporalCoherence", layer: null });
      const img = readImage(r, pick, SHAPE);
      ok(img instanceof Float64Array);
      deepStrictEqual(Array.from(img), [6, 5, 4, 3, 2, 1]);
    });
    await writeTimeseries(`${dir}/other.h5`, "velocity");
    await withReader(`${dir}/other.h5`, (r) => {
      deepStrictEqual(selectDataset(r, "other.h5", undefined, SHAPE), {
        name: "avgCoh",
        layer: null,
      });
      throws(
        () => selectDataset(r, "other.h5", undefined, { length: 4, width: 4 }),
        (e: Error) => e instanceof InputError && e.message === "other.h5: no 4 x 4 dataset",
      );
    });
    // Only a 3-D stack: a layer must be named.
    await writeTestStack(`${dir}/ifgramStack.h5`);
    await withReader(`${dir}/ifgramStack.h5`, (r) => {
      throws(
        () => selectDataset(r, "s.h5", undefined, { length: TEST_SHAPE.L, width: TEST_SHAPE.W }),
        /s\.h5: only 2-D datasets are supported for thresholds; give DSET/,
      );
    });
  });
});

Deno.test("read image: whole rows in bounded pieces, wide images too", async () => {
  await withTemp(async (dir) => {
    // 8 * W bytes a row: 2^20 columns leave 8 rows per 64 MiB piece, so 20 rows take 3 pieces.
    const L = 20, W = 2 ** 20;
    const w = await H5Writer.create(`${dir}/wide.h5`);
    const v = new Float32Array(L * W);
    for (let y = 0; y < L; y++) v[y * W + (y * 7919) % W] = y + 1;
    w.writeWhole("wide", v, { shape: [L, W] });
    w.commit();
    await withReader(`${dir}/wide.h5`, (r) => {
      const img = readImage(r, { name: "wide", layer: null }, { length: L, width: W });
      for (let y = 0; y < L; y++) strictEqual(img[y * W + (y * 7919) % W], y + 1);
      let sum = 0;
      for (const x of img) sum += x;
      strictEqual(sum, (L * (L + 1)) / 2);
    });
  });
});
