import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { listDir, referenceDir, runCli } from "../test_reference.ts";

const ref = referenceDir();

for (const dataset of ["sim-small", "mexico-city"]) {
  Deno.test({
    name: `generate_mask temporalCoherence.h5 -m 0.7 equals MintPy's maskTempCoh.h5 (${dataset})`,
    ignore: ref === null,
    async fn() {
      const dir = Deno.makeTempDirSync({ prefix: "vinsar-mask-" });
      try {
        // The reference mask was made from the inv-var case's temporal coherence.
        Deno.copyFileSync(
          `${ref}/${dataset}/cases/inv-var/temporalCoherence.h5`,
          `${dir}/temporalCoherence.h5`,
        );
        const r = await runCli(
          ["generate_mask", "temporalCoherence.h5", "-m", "0.7", "-o", "maskTempCoh.h5"],
          dir,
        );
        strictEqual(r.code, 0, r.stderr);
        const mine = await H5Reader.open(`${dir}/maskTempCoh.h5`);
        const theirs = await H5Reader.open(`${ref}/${dataset}/maskTempCoh.h5`);
        deepStrictEqual(mine.attrs(), theirs.attrs());
        deepStrictEqual(mine.datasets(), ["mask"]);
        deepStrictEqual(mine.info("mask").shape, theirs.info("mask").shape);
        deepStrictEqual(Array.from(mine.read("mask")), Array.from(theirs.read("mask")));
        mine.close();
        theirs.close();
        // Default output name and threshold for temporalCoherence.h5, as MintPy.
        Deno.removeSync(`${dir}/maskTempCoh.h5`);
        strictEqual((await runCli(["generate_mask", "temporalCoherence.h5"], dir)).code, 0);
        ok(listDir(dir).includes("maskTempCoh.h5"));
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "generate_mask --nonzero on an ifgram stack: pixels non-zero in every kept ifgram",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-mask-" });
    try {
      const stack = `${ref}/sim-small/inputs/ifgramStack.h5`;
      const r = await runCli(["generate_mask", stack, "--nonzero", "-o", "maskConnComp.h5"], dir);
      strictEqual(r.code, 0, r.stderr);
      const s = await H5Reader.open(stack);
      const [K, L, W] = s.info("connectComponent").shape as [number, number, number];
      const cc = s.read("connectComponent"), keep = s.read("dropIfgram");
      const expected = new Uint8Array(L * W).fill(1);
      for (let k = 0; k < K; k++) {
        if (!keep[k]) continue;
        for (let p = 0; p < L * W; p++) if (cc[k * L * W + p] === 0) expected[p] = 0;
      }
      s.close();
      const m = await H5Reader.open(`${dir}/maskConnComp.h5`);
      deepStrictEqual(Array.from(m.read("mask")), Array.from(expected));
      strictEqual(m.attrs().FILE_TYPE, "mask");
      m.close();
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("generate_mask bad inputs: one-line error, exit 2, no output", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-mask-" });
  try {
    const w = await H5Writer.create(`${dir}/stack.h5`);
    w.setAttrs({ FILE_TYPE: "timeseries", LENGTH: "2", WIDTH: "3" });
    w.create("timeseries", [2, 2, 3], "<f");
    w.write("timeseries", [[0, 2], [0, 2], [0, 3]], new Float32Array(12));
    w.writeWhole("date", ["20200101", "20200113"]);
    w.commit();
    const before = listDir(dir);
    const cases: Array<[string[], RegExp]> = [
      [["stack.h5", "-m", "1"], /only 2-D datasets .* give DSET/],
      [["stack.h5", "20200105", "-m", "1"], /no dataset or layer "20200105"/],
      [["nothere.h5"], /nothere\.h5: file not found/],
      [["stack.h5", "-m", "abc"], /-m\/--min: "abc" is not a number/],
      [["stack.h5", "--roipoly"], /interactive selection is not supported/],
    ];
    const results = await Promise.all(cases.map(([a]) => runCli(["generate_mask", ...a], dir)));
    results.forEach((r, i) => {
      strictEqual(r.code, 2, r.stderr);
      strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
      ok(cases[i]![1].test(r.stderr), r.stderr);
    });
    deepStrictEqual(listDir(dir), before);
    // A layer of a 3-D file by date works.
    strictEqual((await runCli(["generate_mask", "stack.h5", "20200113", "-m", "1"], dir)).code, 0);
    ok(listDir(dir).includes("mask.h5"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
