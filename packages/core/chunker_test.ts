import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { memoryBudget, planRowBlocks } from "./mod.ts";

Deno.test("row blocks cover the image once and respect the byte budget", () => {
  const plan = planRowBlocks({ length: 1000, width: 300, bytesPerPixel: 400, budgetBytes: 12e6 });
  strictEqual(plan.rowsPerBlock, 100);
  const blocks = [...plan.blocks()];
  strictEqual(blocks.length, plan.count);
  strictEqual(blocks[0]!.row0, 0);
  strictEqual(blocks.at(-1)!.row1, 1000);
  for (let i = 1; i < blocks.length; i++) strictEqual(blocks[i]!.row0, blocks[i - 1]!.row1);
  ok(blocks.every((b) => (b.row1 - b.row0) * 300 * 400 <= 12e6));
});

Deno.test("blocks align to chunk rows, never go below one row, and cap single reads", () => {
  deepStrictEqual(
    planRowBlocks({
      length: 1000,
      width: 10,
      bytesPerPixel: 8,
      budgetBytes: 8 * 10 * 37,
      alignRows: 15,
    }).rowsPerBlock,
    30,
  );
  strictEqual(
    planRowBlocks({ length: 50, width: 1e6, bytesPerPixel: 1e3, budgetBytes: 1 }).rowsPerBlock,
    1,
  );
  strictEqual(
    planRowBlocks({ length: 10, width: 10, bytesPerPixel: 1, budgetBytes: 1e9 }).rowsPerBlock,
    10,
  );
  strictEqual(
    planRowBlocks({
      length: 1e4,
      width: 1000,
      bytesPerPixel: 8,
      budgetBytes: 1e12,
      readBytesPerPixel: 1000,
      maxReadBytes: 1e7,
    }).rowsPerBlock,
    10,
  );
});

Deno.test("memory budget: --max-memory in GB, else half of free memory within bounds", () => {
  strictEqual(memoryBudget(2, 0), 2 * 1024 ** 3);
  strictEqual(memoryBudget(undefined, 4 * 1024 ** 3), 2 * 1024 ** 3);
  strictEqual(memoryBudget(undefined, 100 * 1024 ** 3), 4 * 1024 ** 3);
  strictEqual(memoryBudget(undefined, 0), 256 * 1024 ** 2);
});
