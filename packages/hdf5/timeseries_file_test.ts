import { rejects, strictEqual } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Writer } from "./h5.ts";
import { TimeseriesFile } from "./timeseries_file.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-ts-file-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("timeseries file: LENGTH/WIDTH attributes must match the timeseries dataset", async () => {
  await withTemp(async (dir) => {
    const write = async (path: string, attrs: Record<string, string>) => {
      const w = await H5Writer.create(path);
      w.setAttrs({ FILE_TYPE: "timeseries", ...attrs });
      w.writeWhole("date", ["20200101", "20200113"], { shape: [2] });
      w.writeWhole("timeseries", new Float32Array(2 * 3 * 4), { shape: [2, 3, 4] });
      w.commit();
    };
    await write(`${dir}/ok.h5`, { LENGTH: "3", WIDTH: "4" });
    const ts = await TimeseriesFile.open(`${dir}/ok.h5`);
    strictEqual(ts.length, 3);
    strictEqual(ts.width, 4);
    ts.close();
    await write(`${dir}/bad.h5`, { LENGTH: "4", WIDTH: "3" });
    await rejects(
      TimeseriesFile.open(`${dir}/bad.h5`),
      (e) =>
        e instanceof InputError &&
        e.message === `${dir}/bad.h5: attributes LENGTH x WIDTH = 4 x 3 disagree with ` +
            "dataset timeseries of shape (2, 3, 4)",
    );
  });
});
