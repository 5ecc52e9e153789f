import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { autoChunks } from "./_auto_chunks.ts";
import { H5Reader } from "./h5.ts";

const REFERENCE = new URL("../../../shared/reference/", import.meta.url).pathname;

Deno.test("autoChunks gives the chunks of the reference suite's MintPy stacks", async () => {
  // Every 3-D dataset h5py wrote with chunks=True in the stacks MintPy loaded.
  let checked = 0;
  for (const entry of Deno.readDirSync(REFERENCE)) {
    const path = `${REFERENCE}${entry.name}/inputs/ifgramStack.h5`;
    let r: H5Reader;
    try {
      r = await H5Reader.open(path);
    } catch {
      continue;
    }
    try {
      for (const name of r.datasets()) {
        const info = r.info(name);
        if (info.shape.length !== 3 || !info.chunks) continue;
        const bytes = ({ "<f": 4, "<h": 2, "<d": 8, "<i": 4 } as Record<string, number>)[
          info.dtype
        ];
        assertEquals(autoChunks(info.shape, bytes), info.chunks, `${path} ${name}`);
        checked++;
      }
    } finally {
      r.close();
    }
  }
  assertEquals(checked >= 6, true, `only ${checked} datasets checked`);
});

Deno.test("autoChunks halves dimensions in turn to about the target size", () => {
  // 361 x 612 x 817 float32 (722 MB): target 117 KB, reached after 13 halvings.
  assertEquals(autoChunks([361, 612, 817], 4), [12, 39, 52]);
  // Tiny datasets stay whole; a 1-element chunk stops the halving.
  assertEquals(autoChunks([3, 4], 4), [3, 4]);
  assertEquals(autoChunks([1], 8), [1]);
  // Chunks never reach 1 MiB.
  const c = autoChunks([5000, 5000], 8);
  assertEquals(c.reduce((p, n) => p * n, 8) < 2 ** 20, true);
});
