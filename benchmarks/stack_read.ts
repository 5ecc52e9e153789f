/**
 * How fast one thread reads an `ifgramStack.h5`'s kept interferograms by row units (the
 * inversion's read, `IfgramStack.readKept` into one reused buffer): MB/s by unit height.
 *
 * ```sh
 * deno run -A benchmarks/stack_read.ts STACK.h5 [DATASET] [ROWS ...]
 * ```
 * @module
 */
import { IfgramStack } from "@vinsar/hdf5";

const [path, dataset = "unwrapPhase", ...rowArgs] = Deno.args;
if (!path) {
  console.error("usage: stack_read.ts STACK.h5 [DATASET] [ROWS ...]");
  Deno.exit(2);
}
const stack = await IfgramStack.open(path);
const K = stack.keep.length, L = stack.length, W = stack.width;
const heights = rowArgs.length > 0 ? rowArgs.map(Number) : [19, 44, 113, 226];
for (const rows of heights) {
  const buffer = new Float32Array(K * rows * W);
  const t = performance.now();
  for (let r = 0; r < L; r += rows) stack.readKept(dataset, r, Math.min(L, r + rows), buffer);
  const s = (performance.now() - t) / 1000;
  const mb = (4 * K * L * W) / 2 ** 20;
  console.log(`${dataset}, units of ${rows} rows: ${s.toFixed(2)} s, ${(mb / s).toFixed(0)} MB/s`);
}
stack.close();
