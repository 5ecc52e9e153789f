import { ok, strictEqual } from "node:assert/strict";
import { inversionBlockBudget, READER_HEAP_BYTES } from "./_block_budget.ts";

const MB = 2 ** 20;
const base = {
  numIfgram: 360,
  numDate: 98,
  inputs: 2,
  covariance: false,
  budgetBytes: 1000 * MB,
  blockCapBytes: 128 * MB,
  ioReserveBytes: 32 * MB,
  threadScratchBytes: 0,
};

Deno.test("block budget: the cap bounds one unit's own data, with or without workers", () => {
  const oneUnit = (4 * 360 * 2 + 16) + 2 * 4 * 100;
  for (const workers of [0, 2, 4]) {
    const b = inversionBlockBudget({ ...base, budgetBytes: 64 * 1024 * MB, workers });
    // Pixels per unit = budget / bytesPerPixel: the cap's worth of one unit's bytes.
    const pixels = b.budgetBytes / b.bytesPerPixel;
    ok(Math.abs(pixels - 128 * MB / oneUnit) < 1e-6, `workers ${workers}: ${pixels}`);
  }
});

Deno.test("block budget: every holder counted, and each worker's HDF5 heap", () => {
  // A cap that does not bind here.
  const none = inversionBlockBudget({ ...base, workers: 0, blockCapBytes: 64 * 1024 * MB });
  const two = inversionBlockBudget({ ...base, workers: 2, blockCapBytes: 64 * 1024 * MB });
  const input = 4 * 360 * 2 + 16, output = 4 * 100;
  // In process: one reader, one output set, one staged write.
  strictEqual(none.bytesPerPixel, input + 2 * output);
  strictEqual(none.budgetBytes, 1000 * MB - 32 * MB);
  // Two workers: two readers, three output sets (one waiting), one staged write; the heaps of
  // this thread and of each worker.
  strictEqual(two.bytesPerPixel, 2 * input + 4 * output);
  strictEqual(two.budgetBytes, 1000 * MB - 32 * MB - 2 * READER_HEAP_BYTES);
  // A budget smaller than the reserves leaves nothing (the planner then takes its minimum).
  strictEqual(inversionBlockBudget({ ...base, workers: 2, budgetBytes: 40 * MB }).budgetBytes, 0);
});

Deno.test("block budget: --calc-cov counts each pixel's covariance per output set", () => {
  const cov = inversionBlockBudget({
    ...base,
    workers: 2,
    covariance: true,
    threadScratchBytes: MB,
    blockCapBytes: 64 * 1024 * MB,
  });
  const input = 4 * 360 * 2 + 16, output = 4 * 100 + 4 * 98 * 98, staging = 4 * 100 + 4 * 98;
  strictEqual(cov.bytesPerPixel, 2 * input + 3 * output + staging);
  strictEqual(cov.budgetBytes, 1000 * MB - 32 * MB - 2 * READER_HEAP_BYTES - 2 * MB);
});
