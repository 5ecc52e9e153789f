import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { H5Writer, IfgramStack, MaskFile } from "@vinsar/hdf5";
import { TEST_DATES, TEST_PAIRS, TEST_SHAPE, writeTestStack } from "@vinsar/hdf5/testing";
import {
  hasPrestartedWorkers,
  LocalExecutor,
  prestartWorkers,
  SharedExecutor,
  stopPrestartedWorkers,
  WorkerPool,
} from "../pipeline/executor.ts";
import { UnitReader, type UnitSource } from "./_unit_reader.ts";
import {
  blockTransferables,
  createKernel,
  type InversionTask,
  type InversionTaskResult,
  type InverterSpec,
  type OutputBuffers,
  type UnitTask,
} from "./kernel.ts";

const { L, W } = TEST_SHAPE;
const K = TEST_SHAPE.K - 1; // the last interferogram is dropped
const N = TEST_DATES.length;

function spec(weightFunc: string): InverterSpec {
  return {
    date12: TEST_PAIRS.slice(0, K).map(([a, b]) => [TEST_DATES[a]!, TEST_DATES[b]!]),
    weightFunc,
    looks: 8,
    minNormVelocity: true,
    minRedundancy: 1,
    maskDataset: "connectComponent",
    maskThreshold: 0.4,
    zeroIsNoData: true,
    phaseToRange: -0.0044,
    backend: "ts",
  };
}

function outputs(P: number): OutputBuffers {
  return {
    ts: new Float32Array(N * P),
    temporalCoherence: new Float32Array(P),
    numInvObs: new Float32Array(P),
  };
}

/** A stack and a water mask (a diagonal of water) in a new folder. */
async function files(): Promise<{ dir: string; source: UnitSource }> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-units-" });
  await writeTestStack(`${dir}/ifgramStack.h5`);
  const w = await H5Writer.create(`${dir}/waterMask.h5`);
  w.writeWhole(
    "waterMask",
    Uint8Array.from({ length: L * W }, (_, i) => (i % (W + 1) === 0 ? 0 : 1)),
    { shape: [L, W] },
  );
  w.commit();
  return {
    dir,
    source: {
      stackFile: `${dir}/ifgramStack.h5`,
      obs: "unwrapPhase",
      weightDataset: "coherence",
      maskDataset: "connectComponent",
      masks: [{ path: `${dir}/waterMask.h5`, dataset: "waterMask" }],
    },
  };
}

Deno.test("workers reading their own row units give the main thread's blocks", async () => {
  const { dir, source } = await files();
  const s = { ...spec("var"), source };
  const refPhase = Float32Array.from({ length: K }, (_, k) => 0.01 * k);
  const stack = await IfgramStack.open(source.stackFile);
  const water = (await MaskFile.open(`${dir}/waterMask.h5`, { length: L, width: W }))!;
  const pool = await WorkerPool.start<InverterSpec, InversionTask | UnitTask, InversionTaskResult>(
    { kernel: "ifgram_inversion", spec: s, backend: "ts", workers: 2 },
  );
  try {
    // The in-process path: the kernel reads units from the files open here.
    const local = new LocalExecutor(
      createKernel(spec("var"), createTsSolver(), UnitReader.over(source, stack, [water])),
    );
    // Whole blocks read here, inputs sent along: today's reference for every unit.
    const blocks = new LocalExecutor(createKernel(spec("var"), createTsSolver()));
    const units: Array<[number, number]> = [[0, 2], [2, 3], [3, 6], [1, 5]];
    const capacity = 4 * W;
    const got = await Promise.all(units.map(([row0, row1]) => {
      const out = outputs(capacity);
      return pool.run({ row0, row1, capacity, refPhase, buffers: out }, blockTransferables(out));
    }));
    for (const [i, [row0, row1]] of units.entries()) {
      const P = (row1 - row0) * W;
      const inProcess = await local.run({ row0, row1, capacity, refPhase, buffers: outputs(P) });
      const phase = stack.readKept("unwrapPhase", row0, row1);
      const coherence = stack.readKept("coherence", row0, row1);
      const maskData = stack.readKept("connectComponent", row0, row1);
      const want = await blocks.run({
        pixels: P,
        refPhase,
        pixelMask: water.rows(row0, row1),
        buffers: { phase, coherence, maskData, ...outputs(P) },
      });
      for (const r of [got[i]!, inProcess]) {
        strictEqual(r.pixels, P);
        ok(r.readMs >= 0);
        deepStrictEqual(r.counts, want.counts);
        for (const key of ["ts", "temporalCoherence", "numInvObs"] as const) {
          const n = key === "ts" ? N * P : P;
          deepStrictEqual(
            Array.from(r.buffers[key].subarray(0, n)),
            Array.from(want.buffers[key].subarray(0, n)),
            `rows [${row0}, ${row1}) ${key}`,
          );
        }
      }
      strictEqual(want.counts.skipped > 0, true); // the water diagonal is skipped
    }
  } finally {
    pool.close();
    water.close();
    stack.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a unit larger than the capacity, or with no stack, is refused", async () => {
  const { dir, source } = await files();
  try {
    const refPhase = new Float32Array(K);
    const noStack = createKernel(spec("no"), createTsSolver());
    await noStack.open(); // no source: nothing to open
    await rejects(
      () =>
        new LocalExecutor(noStack).run({
          row0: 0,
          row1: 1,
          capacity: W,
          refPhase,
          buffers: outputs(W),
        }),
      /without a stack/,
    );
    const k = createKernel({ ...spec("no"), source }, createTsSolver());
    await k.open();
    try {
      await rejects(
        () =>
          new LocalExecutor(k).run({
            row0: 0,
            row1: 2,
            capacity: W,
            refPhase,
            buffers: outputs(W),
          }),
        /exceeds the capacity/,
      );
    } finally {
      k.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the main thread and a worker started ahead share the units, as one thread would", async () => {
  const { dir, source } = await files();
  const s = { ...spec("var"), source };
  const refPhase = Float32Array.from({ length: K }, (_, k) => 0.02 * k);
  const stack = await IfgramStack.open(source.stackFile);
  const water = (await MaskFile.open(`${dir}/waterMask.h5`, { length: L, width: W }))!;
  prestartWorkers("ifgram_inversion", 1, "ts");
  ok(hasPrestartedWorkers("ifgram_inversion"));
  const pool = await WorkerPool.start<InverterSpec, InversionTask | UnitTask, InversionTaskResult>(
    { kernel: "ifgram_inversion", spec: s, backend: "ts", workers: 1 },
    2,
  );
  // The pool took the worker started ahead.
  strictEqual(hasPrestartedWorkers("ifgram_inversion"), false);
  const kernel = createKernel(
    spec("var"),
    createTsSolver(),
    UnitReader.over(source, stack, [water]),
  );
  let here = 0;
  const counted = { ...kernel, run: (t: InversionTask | UnitTask) => (here++, kernel.run(t)) };
  const shared = new SharedExecutor(pool, 1, counted);
  try {
    strictEqual(shared.threads, 2);
    strictEqual(shared.capacity, 3);
    const units: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]];
    const capacity = W;
    const got = await Promise.all(units.map(([row0, row1]) => {
      const out = outputs(capacity);
      return shared.run({ row0, row1, capacity, refPhase, buffers: out }, blockTransferables(out));
    }));
    // Both threads worked.
    ok(here >= 1 && here < units.length, `${here} of ${units.length} units in the main thread`);
    const alone = new LocalExecutor(
      createKernel(spec("var"), createTsSolver(), UnitReader.over(source, stack, [water])),
    );
    for (const [i, [row0, row1]] of units.entries()) {
      const want = await alone.run({ row0, row1, capacity, refPhase, buffers: outputs(capacity) });
      deepStrictEqual(got[i]!.counts, want.counts);
      for (const key of ["ts", "temporalCoherence", "numInvObs"] as const) {
        deepStrictEqual(Array.from(got[i]!.buffers[key]), Array.from(want.buffers[key]), key);
      }
    }
  } finally {
    shared.close();
    water.close();
    stack.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("workers that cannot start leave the main thread alone; workers not taken are stopped", async () => {
  const { dir, source } = await files();
  const stack = await IfgramStack.open(source.stackFile);
  try {
    const kernel = createKernel(spec("no"), createTsSolver(), UnitReader.over(source, stack, []));
    const told: string[] = [];
    const shared = new SharedExecutor<InversionTask | UnitTask, InversionTaskResult>(
      Promise.reject(new Error("no threads here")),
      1,
      kernel,
      (m) => told.push(m),
    );
    const refPhase = new Float32Array(K);
    const got = await Promise.all(
      [0, 1, 2].map((r) =>
        shared.run({ row0: r, row1: r + 1, capacity: W, refPhase, buffers: outputs(W) })
      ),
    );
    deepStrictEqual(got.map((g) => g.pixels), [W, W, W]);
    deepStrictEqual(told, ["no threads here"]);
    shared.close();
    prestartWorkers("ifgram_inversion", 2);
    ok(hasPrestartedWorkers("ifgram_inversion"));
    stopPrestartedWorkers();
    strictEqual(hasPrestartedWorkers("ifgram_inversion"), false);
  } finally {
    stack.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
