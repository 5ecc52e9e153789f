import { deepStrictEqual, rejects, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Reader, H5Writer } from "./h5.ts";
import { IfgramStack } from "./ifgram_stack.ts";
import { InversionOutputs } from "./inversion_outputs.ts";
import { TEST_DATES, TEST_PAIRS, TEST_SHAPE, testPhase, writeTestStack } from "./testing/mod.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-stack-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("stack metadata, kept interferograms and their row blocks", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/ifgramStack.h5`;
    await writeTestStack(path);
    const s = await IfgramStack.open(path);
    try {
      const { K, L, W } = TEST_SHAPE;
      strictEqual(s.length, L);
      strictEqual(s.width, W);
      deepStrictEqual(Array.from(s.keep), [0, 1, 2, 3, 4, 5]);
      deepStrictEqual(s.keptDate12()[3], [TEST_DATES[1], TEST_DATES[3]]);
      strictEqual(s.attrs.START_DATE, TEST_DATES[0]);
      strictEqual(s.attrs.END_DATE, TEST_DATES[4]); // over all interferograms, dropped too
      deepStrictEqual(s.datasetNames, ["unwrapPhase", "coherence", "connectComponent"]);
      strictEqual(s.chunkRows("unwrapPhase"), 3);
      deepStrictEqual(
        Array.from(s.keptBperp()),
        TEST_PAIRS.slice(0, K - 1).map(([a, b]) => 10 * (b - a)),
      );
      const rows = s.readKept("unwrapPhase", 1, 4);
      strictEqual(rows.length, (K - 1) * 3 * W);
      for (let k = 0; k < K - 1; k++) {
        for (let y = 1; y < 4; y++) {
          for (let x = 0; x < W; x++) {
            strictEqual(rows[(k * 3 + y - 1) * W + x], testPhase(k, y, x));
          }
        }
      }
      // int16 datasets come back as float32; a reused buffer gives the same values.
      const cc = s.readKept("connectComponent", 0, 2, new Float32Array(1000));
      strictEqual(cc.length, (K - 1) * 2 * W);
      strictEqual(cc[0], 0);
      strictEqual(cc[1], 1);
      deepStrictEqual(
        Array.from(s.readPixel("unwrapPhase", 2, 3)),
        [0, 1, 2, 3, 4, 5].map((k) => testPhase(k, 2, 3)),
      );
      throws(() => s.readPixel("unwrapPhase", L, 0), InputError);
    } finally {
      s.close();
    }
  });
});

Deno.test("a file of another type or without the stack's datasets is an input error", async () => {
  await withTemp(async (dir) => {
    await writeTestStack(`${dir}/ts.h5`, { attrs: { FILE_TYPE: "timeseries" } });
    await rejects(IfgramStack.open(`${dir}/ts.h5`), /timeseries file, support ifgramStack/);
    await writeTestStack(`${dir}/nodrop.h5`, { omit: ["dropIfgram"] });
    await rejects(IfgramStack.open(`${dir}/nodrop.h5`), /no dataset "dropIfgram"/);
  });
});

/** Copy the stack at `src` to `dst` with dataset `name` cut to `width` columns. */
async function copyWithNarrow(src: string, dst: string, name: string, width: number) {
  const r = await H5Reader.open(src);
  const w = await H5Writer.create(dst);
  try {
    w.setAttrs(r.attrs());
    for (const n of r.datasets()) {
      const { shape, dtype } = r.info(n);
      if (dtype.startsWith("S")) {
        w.writeWhole(n, r.readStrings(n), { shape });
      } else if (n === name) {
        w.create(n, [shape[0]!, shape[1]!, width], dtype);
        w.write(
          n,
          [[0, shape[0]!], [0, shape[1]!], [0, width]],
          r.read(n, [
            [0, shape[0]!],
            [0, shape[1]!],
            [0, width],
          ]),
        );
      } else w.writeWhole(n, r.read(n), { shape });
    }
    w.commit();
  } finally {
    r.close();
  }
}

Deno.test("LENGTH/WIDTH attributes or image datasets that disagree with the stack's shape", async () => {
  await withTemp(async (dir) => {
    const { K, L, W } = TEST_SHAPE;
    await writeTestStack(`${dir}/len.h5`, { attrs: { LENGTH: String(L + 3) } });
    await rejects(IfgramStack.open(`${dir}/len.h5`), (e) => {
      strictEqual(e instanceof InputError, true);
      strictEqual(
        (e as Error).message,
        `${dir}/len.h5: attributes LENGTH x WIDTH = ${L + 3} x ${W} disagree with dataset ` +
          `unwrapPhase of shape (${K}, ${L}, ${W})`,
      );
      return true;
    });
    await writeTestStack(`${dir}/wid.h5`, { attrs: { WIDTH: "0" } });
    await rejects(IfgramStack.open(`${dir}/wid.h5`), /LENGTH x WIDTH = 6 x 0 disagree/);
    // No size attributes at all: the datasets' shape is the size.
    await writeTestStack(`${dir}/none.h5`, { attrs: { LENGTH: undefined, WIDTH: undefined } });
    const s = await IfgramStack.open(`${dir}/none.h5`);
    strictEqual(s.width, W);
    s.close();
    // A coherence narrower than unwrapPhase.
    await writeTestStack(`${dir}/ok.h5`);
    await copyWithNarrow(`${dir}/ok.h5`, `${dir}/coh.h5`, "coherence", W - 2);
    await rejects(
      IfgramStack.open(`${dir}/coh.h5`),
      (e) =>
        e instanceof InputError &&
        e.message === `${dir}/coh.h5: dataset coherence has shape (${K}, ${L}, ${W - 2}), ` +
            `but unwrapPhase has (${K}, ${L}, ${W})`,
    );
  });
});

Deno.test("inversion outputs: MintPy's datasets, dtypes and attributes", async () => {
  await withTemp(async (dir) => {
    const N = 3, L = 5, W = 4;
    const paths = [`${dir}/ts.h5`, `${dir}/tcoh.h5`, `${dir}/num.h5`] as const;
    const writers: H5Writer[] = [];
    const files = await InversionOutputs.create({
      paths,
      qualityName: "temporalCoherence",
      attrs: {
        timeseries: { FILE_TYPE: "timeseries", UNIT: "m" },
        quality: { FILE_TYPE: "temporalCoherence" },
        numInv: { FILE_TYPE: "mask" },
      },
      dates: ["20200101", "20200113", "20200125"],
      bperp: Float32Array.from([0, 1.5, -2]),
      length: L,
      width: W,
      blockRows: 3,
    }, async (p) => {
      const w = await H5Writer.create(p);
      writers.push(w);
      return w;
    });
    const block = (rows: number) => Float32Array.from({ length: N * rows * W }, (_, i) => i);
    files.writeRows(
      0,
      3,
      block(3),
      new Float32Array(3 * W).fill(0.5),
      new Float32Array(3 * W).fill(7),
    );
    files.writeRows(3, 5, block(2), new Float32Array(2 * W), new Float32Array(2 * W));
    for (const w of writers) w.commit();

    const r = await H5Reader.open(paths[0]);
    deepStrictEqual(r.readStrings("date"), ["20200101", "20200113", "20200125"]);
    strictEqual(r.info("date").dtype, "S8");
    strictEqual(r.info("bperp").dtype, "<f");
    deepStrictEqual(r.info("timeseries").shape, [N, L, W]);
    strictEqual(r.info("timeseries").dtype, "<f");
    const ts = r.read("timeseries");
    // Date 1, row 4 (second row of the second block), column 2.
    strictEqual(ts[(1 * L + 4) * W + 2], (1 * 2 + 1) * W + 2);
    strictEqual(r.attrs().UNIT, "m");
    r.close();
    const q = await H5Reader.open(paths[1]);
    deepStrictEqual(q.info("temporalCoherence").shape, [L, W]);
    strictEqual(q.read("temporalCoherence")[0], 0.5);
    q.close();
    const n = await H5Reader.open(paths[2]);
    strictEqual(n.info("mask").dtype, "<f");
    strictEqual(n.read("mask")[W], 7);
    strictEqual(n.attrs().FILE_TYPE, "mask");
    n.close();
  });
});
