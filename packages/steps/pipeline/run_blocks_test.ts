import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { runBlocks } from "./run_blocks.ts";
import { dateUnits, planRowUnits, unitRange } from "./units.ts";

/** A promise resolved by hand, to drive the order in which units finish. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("runBlocks: one buffer reads, computes and writes each unit in turn", async () => {
  const events: string[] = [];
  let made = 0;
  const timing = await runBlocks({
    units: [0, 1, 2],
    allocate: () => ({ id: made++, value: -1 }),
    read: (u, b) => {
      events.push(`read ${u} into ${b.id}`);
      b.value = u;
    },
    compute: (u, b) => {
      events.push(`compute ${u}`);
      return b.value * 10;
    },
    write: (u, _b, r) => {
      events.push(`write ${u} = ${r}`);
    },
  });
  strictEqual(made, 1);
  strictEqual(timing.units, 3);
  deepStrictEqual(events, [
    "read 0 into 0",
    "compute 0",
    "write 0 = 0",
    "read 1 into 0",
    "compute 1",
    "write 1 = 10",
    "read 2 into 0",
    "compute 2",
    "write 2 = 20",
  ]);
});

Deno.test("runBlocks: two buffers, one in flight: the next unit is read while one computes", async () => {
  const events: string[] = [];
  const computing = new Map<number, ReturnType<typeof deferred<number>>>();
  let made = 0;
  const run = runBlocks({
    units: [0, 1, 2],
    allocate: () => made++,
    buffers: 2,
    inFlight: 1,
    read: (u, b) => {
      events.push(`read ${u}@${b}`);
    },
    compute: (u) => {
      events.push(`compute ${u}`);
      const d = deferred<number>();
      computing.set(u, d);
      return d.promise;
    },
    write: (u) => {
      events.push(`write ${u}`);
    },
  });
  // Finish each unit once the loop has started it.
  for (let u = 0; u < 3; u++) {
    while (!computing.has(u)) await new Promise((r) => setTimeout(r, 0));
    computing.get(u)!.resolve(u);
  }
  await run;
  strictEqual(made, 2);
  deepStrictEqual(events, [
    "read 0@0",
    "compute 0",
    "read 1@1",
    "write 0",
    "compute 1",
    "read 2@0",
    "write 1",
    "compute 2",
    "write 2",
  ]);
});

Deno.test("runBlocks: unordered writes follow completion; buffers are never shared in flight", async () => {
  const writes: number[] = [];
  const inUse = new Set<number>();
  let made = 0;
  const delays = [30, 5, 15, 1, 10];
  await runBlocks({
    units: [0, 1, 2, 3, 4],
    allocate: () => made++,
    buffers: 3,
    inFlight: 2,
    ordered: false,
    read: (_u, b) => {
      ok(!inUse.has(b), `buffer ${b} read into while in use`);
      inUse.add(b);
    },
    compute: (u) => new Promise<number>((r) => setTimeout(() => r(u), delays[u])),
    write: (u, b) => {
      writes.push(u);
      inUse.delete(b);
    },
  });
  strictEqual(made, 3);
  deepStrictEqual([...writes].sort(), [0, 1, 2, 3, 4]);
  // Unit 1 (5 ms) finishes before unit 0 (30 ms) and is written first.
  ok(writes.indexOf(1) < writes.indexOf(0), writes.join(","));
});

Deno.test("runBlocks: a failed compute stops reading, waits for units in flight, rethrows", async () => {
  const read: number[] = [];
  let started = 0, settled = 0;
  await rejects(
    runBlocks({
      units: [0, 1, 2, 3, 4, 5],
      allocate: () => ({}),
      buffers: 3,
      inFlight: 2,
      read: (u) => {
        read.push(u);
      },
      compute: (u) => {
        started++;
        return new Promise<number>((resolve, reject) =>
          setTimeout(() => {
            settled++;
            u === 1 ? reject(new Error("unit 1 failed")) : resolve(u);
          }, u === 1 ? 1 : 20)
        );
      },
    }),
    /unit 1 failed/,
  );
  // Every unit started has settled before runBlocks returned; reading stopped early.
  strictEqual(settled, started);
  ok(read.length < 6, `read ${read.join(",")}`);
});

Deno.test("runBlocks: errors of read and write are thrown; no write after a failure", async () => {
  await rejects(
    runBlocks({
      units: [0, 1],
      allocate: () => ({}),
      read: (u) => {
        if (u === 1) throw new RangeError("bad read");
      },
      compute: () => 0,
    }),
    /bad read/,
  );
  const written: number[] = [];
  await rejects(
    runBlocks({
      units: [0, 1, 2],
      allocate: () => ({}),
      compute: (u) => u,
      write: (u) => {
        if (u === 1) throw new Error("disk full");
        written.push(u);
      },
    }),
    /disk full/,
  );
  deepStrictEqual(written, [0]);
});

Deno.test("planRowUnits caps rows; unitRange and dateUnits cover exactly their range", () => {
  const plan = planRowUnits({
    length: 100,
    width: 10,
    bytesPerPixel: 4,
    budgetBytes: 1e9,
    maxRows: 7,
  });
  strictEqual(plan.rowsPerBlock, 7);
  strictEqual(plan.count, 15);
  const all = [...plan.blocks()];
  strictEqual(all.at(-1)!.row1, 100);
  deepStrictEqual([...unitRange(all, 3, 5)].map((u) => u.index), [3, 4]);
  deepStrictEqual([...dateUnits(10, 4)], [
    { index: 0, date0: 0, date1: 4 },
    { index: 1, date0: 4, date1: 8 },
    { index: 2, date0: 8, date1: 10 },
  ]);
  // Without a cap the budget decides (one block here).
  strictEqual(
    planRowUnits({ length: 100, width: 10, bytesPerPixel: 4, budgetBytes: 1e9 }).count,
    1,
  );
});
