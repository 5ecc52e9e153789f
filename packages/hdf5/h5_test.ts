import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { H5Error, H5Reader, H5Writer } from "./mod.ts";

const fixture = new URL("../../test-data/compressed.h5", import.meta.url).pathname;
const [K, L, W] = [5, 13, 17];

/** The values test-data/make_compressed.py stored. */
function expectedCc(): Int16Array {
  const out = new Int16Array(K * L * W);
  for (let i = 0; i < out.length; i++) out[i] = ((i * 7) % 11) - 2;
  return out;
}

Deno.test("reads LZF-, gzip-compressed and plain int16 datasets identically", async () => {
  const r = await H5Reader.open(fixture);
  try {
    const want = expectedCc();
    for (const name of ["cc_plain", "cc_lzf", "cc_gzip"]) {
      const got = r.read(name);
      ok(got instanceof Int16Array, name);
      deepStrictEqual(Array.from(got), Array.from(want), name);
    }
    deepStrictEqual(r.info("cc_lzf").filters, ["lzf"]);
  } finally {
    r.close();
  }
});

Deno.test("hyperslab reads of compressed float32 across chunk boundaries", async () => {
  const r = await H5Reader.open(fixture);
  try {
    for (const name of ["ph_lzf", "ph_gzip"]) {
      const got = r.read(name, [[1, 4], [3, 9], [2, 15]]);
      strictEqual(got.length, 3 * 6 * 13);
      let n = 0;
      for (let k = 1; k < 4; k++) {
        for (let y = 3; y < 9; y++) {
          for (let x = 2; x < 15; x++) {
            const i = (k * L + y) * W + x;
            const want = Math.fround(Math.sin(i * 0.1) * 3.0);
            ok(Math.abs(got[n++]! - want) < 1e-6, `${name}[${k},${y},${x}]`);
          }
        }
      }
    }
  } finally {
    r.close();
  }
});

Deno.test("bool and fixed-length string datasets, string attributes", async () => {
  const r = await H5Reader.open(fixture);
  try {
    strictEqual(r.info("drop").dtype, "bool");
    deepStrictEqual(Array.from(r.read("drop")), [1, 0, 1, 1, 0]);
    deepStrictEqual(r.readStrings("date").slice(0, 2), ["20200101", "20200113"]);
    strictEqual(r.attrs().LENGTH, "13");
  } finally {
    r.close();
  }
});

Deno.test("read failures throw H5Error naming the file", async () => {
  await rejects(
    H5Reader.open("/nonexistent/x.h5"),
    (e: Error) => e instanceof H5Error && /x\.h5: file not found/.test(e.message),
  );
  const tmp = await Deno.makeTempDir();
  try {
    const bytes = Deno.readFileSync(fixture);
    Deno.writeFileSync(`${tmp}/trunc.h5`, bytes.subarray(0, 6000));
    let failed = false;
    try {
      const r = await H5Reader.open(`${tmp}/trunc.h5`);
      r.read("cc_lzf");
      r.read("ph_gzip");
    } catch (e) {
      failed = e instanceof H5Error && e.message.includes("trunc.h5");
    }
    ok(failed, "a truncated file must raise an H5Error");
    Deno.writeTextFileSync(`${tmp}/text.h5`, "not an hdf5 file");
    await rejects(H5Reader.open(`${tmp}/text.h5`), H5Error);
    const r = await H5Reader.open(fixture);
    throws(() => r.read("missing"), /no dataset "missing"/);
    throws(() => r.read("cc_lzf", [[0, 99]]), /outside dimension 0/);
    r.close();
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("writer is atomic: nothing at the path until commit, nothing left after abort", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const path = `${tmp}/out.h5`;
    const w = await H5Writer.create(path);
    w.setAttrs({ FILE_TYPE: "timeseries", LENGTH: "4" });
    w.create("timeseries", [3, 4, 5], "<f");
    w.write("timeseries", [[1, 2]], new Float32Array(20).fill(2.5));
    w.writeWhole("date", ["20200101", "20200113", "20200125"]);
    w.writeWhole("bperp", new Float32Array([0, 1, 2]));
    throws(() => Deno.statSync(path));
    w.commit();
    const r = await H5Reader.open(path);
    deepStrictEqual(r.attrs(), { FILE_TYPE: "timeseries", LENGTH: "4" });
    deepStrictEqual(r.info("timeseries").shape, [3, 4, 5]);
    deepStrictEqual(Array.from(r.read("timeseries", [[0, 3], [0, 1], [0, 1]])), [0, 2.5, 0]);
    deepStrictEqual(r.readStrings("date"), ["20200101", "20200113", "20200125"]);
    r.close();
    const w2 = await H5Writer.create(`${tmp}/gone.h5`);
    w2.create("x", [2, 2], "<f");
    w2.abort();
    deepStrictEqual([...Deno.readDirSync(tmp)].map((e) => e.name).sort(), ["out.h5"]);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("writer replaces an older output at commit; an aborted rewrite keeps the old one", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const path = `${tmp}/out.h5`;
    const write = async (value: number) => {
      const w = await H5Writer.create(path);
      w.create("x", [2, 3], "<f");
      w.write("x", [[0, 2]], new Float32Array(6).fill(value));
      return w;
    };
    const values = async () => {
      const r = await H5Reader.open(path);
      try {
        return Array.from(r.read("x"));
      } finally {
        r.close();
      }
    };
    (await write(1)).commit();
    (await write(2)).commit();
    deepStrictEqual(await values(), [2, 2, 2, 2, 2, 2]);
    (await write(3)).abort();
    deepStrictEqual(await values(), [2, 2, 2, 2, 2, 2]);
    deepStrictEqual([...Deno.readDirSync(tmp)].map((e) => e.name), ["out.h5"]);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("writer refuses an unwritable folder with a one-line error", async () => {
  await rejects(
    H5Writer.create("/nonexistent-dir/out.h5"),
    (e: Error) =>
      e instanceof H5Error &&
      e.message.startsWith("/nonexistent-dir/out.h5: cannot write output") &&
      !e.message.includes("\n"),
  );
});

Deno.test("readInto converts into a reused buffer and equals read()", async () => {
  const r = await H5Reader.open(fixture);
  try {
    for (const name of ["ph_lzf", "ph_gzip", "cc_lzf", "cc_plain"]) {
      const ranges: Array<[number, number]> = [[1, 4], [2, 11]];
      const want = r.read(name, ranges);
      const dest = new Float64Array(want.length + 3).fill(-7);
      r.readInto(name, ranges, dest, 3);
      deepStrictEqual(Array.from(dest.subarray(0, 3)), [-7, -7, -7]);
      deepStrictEqual(Array.from(dest.subarray(3)), Array.from(want, Number), name);
    }
    throws(() => r.readInto("ph_lzf", [], new Float64Array(10)), RangeError);
  } finally {
    r.close();
  }
});

Deno.test("readInto with an outer stride places each first-index run apart, padding untouched", async () => {
  const r = await H5Reader.open(fixture);
  try {
    for (const name of ["ph_lzf", "cc_plain"]) {
      const ranges: Array<[number, number]> = [[1, 4], [2, 11]];
      const want = Array.from(r.read(name, ranges), Number);
      const inner = want.length / 3, stride = inner + 5;
      const dest = new Float32Array(2 + 2 * stride + inner + 4).fill(-7);
      r.readInto(name, ranges, dest, 2, stride);
      for (let i = 0; i < 3; i++) {
        const at = 2 + i * stride;
        deepStrictEqual(
          Array.from(dest.subarray(at, at + inner)),
          want.slice(i * inner, (i + 1) * inner),
        );
        if (i < 2) {
          ok(dest.subarray(at + inner, at + stride).every((v) => v === -7), `${name} pad ${i}`);
        }
      }
      ok(dest.subarray(0, 2).every((v) => v === -7) && dest.at(-1) === -7);
    }
    throws(() => r.readInto("ph_lzf", [[1, 4], [2, 11]], new Float32Array(100), 0, 3), RangeError);
  } finally {
    r.close();
  }
});
