import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { withOutputs } from "./staged_outputs.ts";

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

async function writeInput(path: string, values: number[]): Promise<void> {
  const w = await H5Writer.create(path);
  w.writeWhole("x", new Float32Array(values));
  w.commit();
}

Deno.test("two runs staging the same text output: the second fails at once, the first commits", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${dir}/rms.txt`, "old");
    await withOutputs(async (out) => {
      out.text(`${dir}/rms.txt`, "first");
      await rejects(
        withOutputs((out2) => {
          out2.text(`${dir}/other.txt`, "other");
          out2.text(`${dir}/rms.txt`, "second");
          return Promise.resolve();
        }),
        (e: Error) =>
          e instanceof InputError &&
          e.message === `${dir}/rms.txt is already being written by this process`,
      );
    });
    strictEqual(Deno.readTextFileSync(`${dir}/rms.txt`), "first");
    // The failed run's other output was aborted: no file, no temporary, no lock.
    deepStrictEqual(names(dir), ["rms.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an input that changes while it is read: nothing committed, one-line InputError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeInput(`${dir}/timeseries.h5`, [1, 2, 3]);
    Deno.writeTextFileSync(`${dir}/velocity.txt`, "old");
    const r = await H5Reader.open(`${dir}/timeseries.h5`);
    try {
      // Unchanged: commits.
      await withOutputs((out) => {
        out.text(`${dir}/velocity.txt`, "v1");
        return Promise.resolve();
      });
      strictEqual(Deno.readTextFileSync(`${dir}/velocity.txt`), "v1");
      // Grown during the run.
      await rejects(
        withOutputs(async (out) => {
          const w = await out.h5(`${dir}/velocity.h5`);
          w.writeWhole("v", new Float32Array([1]));
          out.text(`${dir}/velocity.txt`, "v2");
          const f = Deno.openSync(`${dir}/timeseries.h5`, { append: true });
          f.writeSync(new Uint8Array(16));
          f.close();
        }),
        (e: Error) =>
          e instanceof InputError &&
          /^\S+timeseries\.h5: changed while it was being read \(size \d+ -> \d+ bytes\)$/.test(
            e.message,
          ),
      );
      strictEqual(Deno.readTextFileSync(`${dir}/velocity.txt`), "v1");
      deepStrictEqual(names(dir), ["timeseries.h5", "velocity.txt"]);
    } finally {
      r.close();
    }

    // Same size, rewritten in place (mtime), and replaced by a rename.
    const r2 = await H5Reader.open(`${dir}/timeseries.h5`);
    try {
      const bytes = Deno.readFileSync(`${dir}/timeseries.h5`);
      Deno.utimeSync(`${dir}/timeseries.h5`, new Date(), new Date(Date.now() + 5000));
      await rejects(
        withOutputs((out) => {
          out.text(`${dir}/velocity.txt`, "v3");
          return Promise.resolve();
        }),
        /timeseries\.h5: changed while it was being read \(mtime \S+ -> \S+\)$/,
      );
      Deno.writeFileSync(`${dir}/new.h5`, bytes);
      Deno.renameSync(`${dir}/new.h5`, `${dir}/timeseries.h5`);
      await rejects(
        withOutputs((out) => {
          out.text(`${dir}/velocity.txt`, "v3");
          return Promise.resolve();
        }),
        /timeseries\.h5: changed while it was being read \(replaced by another file\)$/,
      );
    } finally {
      r2.close();
    }
    strictEqual(Deno.readTextFileSync(`${dir}/velocity.txt`), "v1");
    // A closed reader is no longer checked.
    await withOutputs((out) => {
      out.text(`${dir}/velocity.txt`, "v4");
      return Promise.resolve();
    });
    strictEqual(Deno.readTextFileSync(`${dir}/velocity.txt`), "v4");
    ok(names(dir).every((n) => !n.startsWith(".")), names(dir).join());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
