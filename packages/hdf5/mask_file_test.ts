import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Writer } from "./h5.ts";
import { MaskFile, type MaskRows } from "./mask_file.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-mask-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A 2 x 3 file with the given float32 datasets (and LENGTH/WIDTH attributes). */
async function writeMask(
  path: string,
  datasets: Record<string, number[]>,
  shape: [number, number] = [2, 3],
  attrs: Record<string, string> = { LENGTH: "2", WIDTH: "3" },
): Promise<void> {
  const w = await H5Writer.create(path);
  w.setAttrs({ FILE_TYPE: "mask", ...attrs });
  for (const [name, v] of Object.entries(datasets)) {
    w.writeWhole(name, Float32Array.from(v), { shape });
  }
  w.commit();
}

const SIZE = { length: 2, width: 3 };

Deno.test("mask file: every non-zero value, NaN included, is in the mask", async () => {
  await withTemp(async (dir) => {
    await writeMask(`${dir}/maskTempCoh.h5`, { mask: [1, 0, NaN, 2, 0, -1] });
    const m: MaskRows = (await MaskFile.open(`${dir}/maskTempCoh.h5`, SIZE))!;
    try {
      strictEqual(m.path, `${dir}/maskTempCoh.h5`);
      strictEqual(m.dataset, "mask");
      deepStrictEqual(Array.from(m.rows(0, 2)), [1, 0, 1, 1, 0, 1]);
      deepStrictEqual(Array.from(m.rows(1, 2)), [1, 0, 1]);
    } finally {
      m.close();
    }
  });
});

Deno.test("mask file: the dataset is the first preferred one, else mask, else the first 2-D", async () => {
  await withTemp(async (dir) => {
    const v = [1, 1, 1, 1, 1, 1];
    await writeMask(`${dir}/all.h5`, { coherence: v, mask: v, waterMask: v });
    const open = async (path: string, prefer?: string[]) => {
      const m = (await MaskFile.open(path, { ...SIZE, prefer }))!;
      m.close();
      return m.dataset;
    };
    strictEqual(await open(`${dir}/all.h5`, ["waterMask"]), "waterMask");
    strictEqual(await open(`${dir}/all.h5`, ["shadowMask", "coherence"]), "coherence");
    // Two preferred present: the file's order decides (HDF5 lists names in order), as MintPy.
    strictEqual(await open(`${dir}/all.h5`, ["waterMask", "mask"]), "mask");
    strictEqual(await open(`${dir}/all.h5`), "mask");
    strictEqual(await open(`${dir}/all.h5`, ["shadowMask"]), "mask");

    const w = await H5Writer.create(`${dir}/nomask.h5`);
    w.writeWhole("bperp", Float32Array.from([1, 2]));
    w.writeWhole("coherence", Float32Array.from(v), { shape: [2, 3] });
    w.writeWhole("velocity", Float32Array.from(v), { shape: [2, 3] });
    w.commit();
    strictEqual(await open(`${dir}/nomask.h5`), "coherence");

    const n = await H5Writer.create(`${dir}/no2d.h5`);
    n.writeWhole("bperp", Float32Array.from([1, 2]));
    n.commit();
    await rejects(
      MaskFile.open(`${dir}/no2d.h5`, SIZE),
      (e: Error) =>
        e instanceof InputError && e.message === `${dir}/no2d.h5: no 2-D dataset to use as a mask`,
    );
  });
});

Deno.test("mask file: a missing file is null (MintPy goes on with the whole area)", async () => {
  await withTemp(async (dir) => {
    strictEqual(await MaskFile.open(`${dir}/nothere.h5`, SIZE), null);
    strictEqual(await MaskFile.open(dir, SIZE), null); // a directory is not a mask file
  });
});

Deno.test("mask file: another size is an input error naming both, or null when ignored", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/waterMask.h5`;
    await writeMask(path, { waterMask: [1, 0, 1, 1, 0, 1] });
    await rejects(
      MaskFile.open(path, { length: 3, width: 3, prefer: ["waterMask"], imageName: "ts.h5" }),
      (e: Error) =>
        e instanceof InputError &&
        e.message === `${path}: mask "waterMask" size 2 x 3 differs from ts.h5 (3 x 3)`,
    );
    await rejects(
      MaskFile.open(path, { length: 2, width: 4 }),
      /mask "waterMask" size 2 x 3 differs from the image \(2 x 4\)/,
    );
    strictEqual(await MaskFile.open(path, { length: 3, width: 3, ignoreSizeMismatch: true }), null);

    // The LENGTH/WIDTH attributes (what MintPy checks) must agree too.
    const odd = `${dir}/odd.h5`;
    await writeMask(odd, { mask: [1, 1, 1, 1, 1, 1] }, [2, 3], { LENGTH: "3", WIDTH: "3" });
    await rejects(
      MaskFile.open(odd, SIZE),
      /mask "mask" size 3 x 3 differs from the image \(2 x 3\)/,
    );
    strictEqual(await MaskFile.open(odd, { ...SIZE, ignoreSizeMismatch: true }), null);

    // A preferred 3-D dataset is not a mask of the image.
    const w = await H5Writer.create(`${dir}/cube.h5`);
    w.writeWhole("mask", new Float32Array(12).fill(1), { shape: [2, 2, 3] });
    w.commit();
    await rejects(MaskFile.open(`${dir}/cube.h5`, SIZE), /mask "mask" size 2 x 2 x 3 differs/);
    ok((await MaskFile.open(`${dir}/cube.h5`, { ...SIZE, ignoreSizeMismatch: true })) === null);
  });
});
