import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { simulate } from "@vinsar/core";
import { autoChunks } from "./_auto_chunks.ts";
import { H5Reader, H5Writer } from "./h5.ts";
import {
  createScratchPhaseStore,
  simulatedChunkRows,
  startSimulatedStack,
  startSimulatedTimeseries,
} from "./simulated_stack.ts";

// The simulation itself (and the tests of its files' contents) is @vinsar/steps/simulate.

const L = 30, W = 40, N = 12;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-sim-" });
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("chunk rows: about 1 MB of float32 rows, at most maxRows and the image", () => {
  strictEqual(simulatedChunkRows({ length: 1000, width: 1024 }, 1000), 256);
  strictEqual(simulatedChunkRows({ length: 1000, width: 1024 }, 100), 100);
  strictEqual(simulatedChunkRows({ length: 10, width: 1024 }, 1000), 10);
  strictEqual(simulatedChunkRows({ length: 10, width: 2 ** 20 }, 10), 1);
});

Deno.test("stack and truth layouts: datasets, types, chunks, compression, attributes", async () => {
  await withDir(async (dir) => {
    const scene = simulate.createScene({ length: L, width: W, numDates: N, seed: 5 });
    const K = scene.pairs.length;
    const stack = await H5Writer.create(`${dir}/stack.h5`);
    startSimulatedStack(scene, stack, { gzip: true, lzfConnectComponent: true });
    stack.commit();
    const truth = await H5Writer.create(`${dir}/truth.h5`);
    startSimulatedTimeseries(scene, truth, { truth: true });
    truth.commit();
    const ts = await H5Writer.create(`${dir}/timeseries.h5`);
    startSimulatedTimeseries(scene, ts, { truth: false });
    ts.commit();

    const r = await H5Reader.open(`${dir}/stack.h5`);
    try {
      strictEqual(r.attrs().FILE_TYPE, "ifgramStack");
      // h5py's automatic chunks, as MintPy's load_data writes them.
      deepStrictEqual(r.info("unwrapPhase").chunks, autoChunks([K, L, W], 4));
      deepStrictEqual(r.info("connectComponent").chunks, autoChunks([K, L, W], 2));
      deepStrictEqual(r.info("connectComponent").shape, [K, L, W]);
      ok(/lzf/i.test(r.info("connectComponent").filters.join()));
      ok(/gzip|deflate/i.test(r.info("coherence").filters.join()));
      deepStrictEqual(Array.from(r.read("dropIfgram")), Array.from(scene.keep));
      deepStrictEqual(r.readStrings("date").slice(0, 2), [
        scene.dates[scene.pairs[0]!.ref],
        scene.dates[scene.pairs[0]!.sec],
      ]);
    } finally {
      r.close();
    }
    const t = await H5Reader.open(`${dir}/truth.h5`);
    try {
      const a = t.attrs();
      strictEqual(a.FILE_TYPE, "timeseries");
      strictEqual(a.SIM_STEP_DATE, scene.stepDate);
      strictEqual(a.SIM_NUM_IFGRAM, String(K));
      deepStrictEqual(t.info("timeseries").chunks, [1, L, W]);
      deepStrictEqual(t.info(`step${scene.stepDate}`).shape, [L, W]);
      strictEqual(t.info("waterMask").dtype, "bool");
      strictEqual(t.info("unwrapErrorCount").dtype, "<h");
    } finally {
      t.close();
    }
    const p = await H5Reader.open(`${dir}/timeseries.h5`);
    try {
      strictEqual(p.attrs().SIM_SEED, undefined);
      deepStrictEqual(p.datasets().sort(), ["bperp", "date", "timeseries"]);
    } finally {
      p.close();
    }
  });
});

Deno.test("scratch phase store: dates in, row blocks of every date out, file removed", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/.phases.h5`;
    const store = await createScratchPhaseStore(path, { numDates: 3, length: 4, width: 5 });
    try {
      for (let n = 0; n < 3; n++) {
        store.put(
          n,
          Float32Array.from({ length: 20 }, (_, i) => n * 100 + i),
        );
      }
      await store.finish();
      const block = store.rows(1, 3);
      strictEqual(block.stride, 10);
      deepStrictEqual(Array.from(block.data.subarray(block.offset + 2 * block.stride)), [
        205,
        206,
        207,
        208,
        209,
        210,
        211,
        212,
        213,
        214,
      ]);
    } finally {
      store.close();
    }
    ok(![...Deno.readDirSync(dir)].some((e) => e.name === ".phases.h5"), "scratch file removed");
  });
});
