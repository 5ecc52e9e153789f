import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { IfgramStack } from "./ifgram_stack.ts";
import {
  OFFSET_NAN_PIXEL,
  TEST_SHAPE,
  testOffset,
  testOffsetStd,
  writeTestOffsetStack,
} from "./testing/mod.ts";

async function withStack(fn: (s: IfgramStack) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-offset-stack-test-" });
  try {
    await writeTestOffsetStack(`${dir}/offsetStack.h5`);
    const s = await IfgramStack.open(`${dir}/offsetStack.h5`);
    try {
      await fn(s);
    } finally {
      s.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("offset stack: its datasets in MintPy's order, no reference pixel", async () => {
  await withStack((s) => {
    const { L, W } = TEST_SHAPE;
    strictEqual(s.length, L);
    strictEqual(s.width, W);
    deepStrictEqual(s.datasetNames, [
      "rangeOffset",
      "azimuthOffset",
      "offsetSNR",
      "azimuthOffsetStd",
      "rangeOffsetStd",
    ]);
    ok(s.hasDataset("azimuthOffsetStd"));
    ok(!s.hasDataset("unwrapPhase"));
    strictEqual(s.attrs.REF_Y, undefined);
    strictEqual(s.attrs.PROCESSOR, "isce");
  });
});

Deno.test("readIfgram: one kept interferogram's rows, as readKept holds them", async () => {
  await withStack((s) => {
    const { W } = TEST_SHAPE;
    const K = s.keep.length;
    const all = s.readKept("azimuthOffsetStd", 1, 5);
    const plane = 4 * W;
    const into = new Float32Array(plane + 3).fill(-1);
    for (let i = 0; i < K; i++) {
      const one = s.readIfgram("azimuthOffsetStd", i, 1, 5, into);
      strictEqual(one.length, plane);
      strictEqual(one.buffer, into.buffer);
      for (let j = 0; j < plane; j++) {
        const a = one[j]!, b = all[i * plane + j]!;
        ok(a === b || (a !== a && b !== b), `ifgram ${i} value ${j}`);
      }
      const y = 1 + Math.floor(7 / W), x = 7 % W;
      const want = testOffsetStd(s.keep[i]!, y, x);
      ok(one[7] === want || (want !== want && one[7] !== one[7]));
    }
    strictEqual(into[plane], -1); // nothing written past the rows
    strictEqual(s.readIfgram("azimuthOffset", 0, 2, 2).length, 0);
    throws(() => s.readIfgram("azimuthOffset", K, 0, 1), RangeError);
    throws(() => s.readIfgram("azimuthOffset", 0, 3, 2), RangeError);
    throws(() => s.readIfgram("azimuthOffset", 0, 0, TEST_SHAPE.L + 1), RangeError);
  });
});

Deno.test("readPixel of offsets keeps NaN (offsets have no zero no-data rule)", async () => {
  await withStack((s) => {
    const [y, x] = OFFSET_NAN_PIXEL;
    ok(s.readPixel("rangeOffset", y, x).every((v) => v !== v));
    deepStrictEqual(
      Array.from(s.readPixel("rangeOffset", 2, 3)),
      Array.from(s.keep, (k) => testOffset("rg", k, 2, 3)),
    );
  });
});
