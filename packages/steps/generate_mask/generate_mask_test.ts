import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { circleMask, removeSmallClusters, thresholdMask } from "@vinsar/core";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "../pipeline/mod.ts";
import { silentReporter } from "../reporter.ts";
import { run } from "./mod.ts";

Deno.test("thresholds compare in float32 like numpy; NaN, zeros, AOI", () => {
  const d = new Float32Array([0.7, 0.69, NaN, 0, 0.9, 1.5]);
  const m = new Uint8Array(6).fill(1);
  thresholdMask(d, m, { vmin: 0.7, vmax: 1.2 });
  // float32(0.7) is not below float32(0.7): kept, as MintPy keeps it.
  deepStrictEqual(Array.from(m), [1, 0, 0, 0, 1, 0]);
  const m2 = new Uint8Array(6).fill(1);
  thresholdMask(
    d,
    m2,
    { keepNaN: true, nonzero: true, vmin: 0.7 },
    new Uint8Array([1, 0, 1, 1, 1, 1]),
  );
  deepStrictEqual(Array.from(m2), [1, 1, 1, 0, 1, 1]);
  // In float64 the same limit excludes float32(0.7).
  const m3 = new Uint8Array(1).fill(1);
  thresholdMask(Float64Array.of(Math.fround(0.7)), m3, { vmin: 0.7 });
  strictEqual(m3[0], 0);
});

Deno.test("small 4-connected clusters are removed; circles", () => {
  // 4 x 5: a 3-pixel cluster, a diagonal pair (two separate 1-pixel clusters), a 1-pixel one.
  // deno-fmt-ignore
  const m = Uint8Array.from([
    1, 1, 0, 0, 1,
    1, 0, 0, 1, 0,
    0, 0, 0, 0, 0,
    0, 0, 1, 0, 0,
  ]);
  strictEqual(removeSmallClusters(m, 4, 5, 2), 3);
  deepStrictEqual(Array.from(m), [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  deepStrictEqual(Array.from(circleMask(1, 1, 1, 3, 3)), [0, 1, 0, 1, 1, 1, 0, 1, 0]);
});

const L = 7, W = 4, K = 3;

/** A small ifgramStack: layer 1 dropped; a few zeros in each layer. */
async function writeStack(path: string): Promise<Uint8Array> {
  const w = await H5Writer.create(path);
  w.setAttrs({ FILE_TYPE: "ifgramStack", LENGTH: `${L}`, WIDTH: `${W}` });
  const cc = new Int16Array(K * L * W).fill(1);
  const phase = new Float64Array(K * L * W).fill(1e-50);
  for (const [k, p] of [[0, 0], [0, 13], [1, 5], [2, 27], [2, 14]]) {
    cc[k! * L * W + p!] = 0;
    phase[k! * L * W + p!] = 0;
  }
  w.create("connectComponent", [K, L, W], "<h");
  w.write("connectComponent", [[0, K], [0, L], [0, W]], cc);
  w.create("unwrapPhase", [K, L, W], "<d");
  w.write("unwrapPhase", [[0, K], [0, L], [0, W]], phase);
  w.writeWhole("dropIfgram", Uint8Array.of(1, 0, 1), { dtype: "bool" });
  w.commit();
  const expected = new Uint8Array(L * W).fill(1);
  for (const p of [0, 13, 27, 14]) expected[p] = 0;
  return expected;
}

Deno.test("run --nonzero: kept ifgrams only, any row units, the dataset's own type", async () => {
  await registerBuiltinBackends();
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-mask-" });
  try {
    const expected = await writeStack(`${dir}/stack.h5`);
    const common = { file: `${dir}/stack.h5`, nonzero: true, reporter: silentReporter };
    for (
      const [name, extra] of [
        ["whole.h5", {}],
        ["rows2.h5", { maxBlockRows: 2 }],
        ["phase.h5", { dset: "unwrapPhase", maxBlockRows: 3 }],
      ] as const
    ) {
      const result = await run({ ...common, ...extra, outfile: `${dir}/${name}` });
      deepStrictEqual(result, { outfile: `${dir}/${name}`, skipped: false, kept: 24, pixels: 28 });
      const m = await H5Reader.open(`${dir}/${name}`);
      deepStrictEqual(Array.from(m.read("mask")), Array.from(expected), name);
      strictEqual(m.attrs().FILE_TYPE, "mask");
      m.close();
    }
    const again = await run({ ...common, outfile: `${dir}/whole.h5`, updateMode: true });
    deepStrictEqual(again, { outfile: `${dir}/whole.h5`, skipped: true });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
