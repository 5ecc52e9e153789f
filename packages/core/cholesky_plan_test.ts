import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { minimumDegreeOrder, planCholesky } from "./cholesky_plan.ts";

Deno.test("minimum degree eliminates a star's leaves first: no fill-in", () => {
  // Node 0 joined to 1..5: eliminating 0 first would fill a 5-clique.
  const edges = [0, 1, 0, 2, 0, 3, 0, 4, 0, 5];
  const order = minimumDegreeOrder(6, edges);
  // Once four leaves are gone the centre ties with the last leaf (degree 1).
  ok(order.indexOf(0) >= 4);
  const plan = planCholesky(6, edges);
  strictEqual(plan.nnz, 6 + 5);
  const natural = planCholesky(6, edges, [0, 1, 2, 3, 4, 5]);
  strictEqual(natural.nnz, 6 + 15);
});

Deno.test("a chain in natural order has no fill and one update per off-diagonal", () => {
  const plan = planCholesky(4, [0, 1, 1, 2, 2, 3], [0, 1, 2, 3]);
  strictEqual(plan.nnz, 7);
  deepStrictEqual(Array.from(plan.colPtr), [0, 2, 4, 6, 7]);
  deepStrictEqual(Array.from(plan.rowIdx), [0, 1, 1, 2, 2, 3, 3]);
  // Column j is updated by column j-1: L[j,j] -= L[j,j-1]^2 only (L[j+1,j-1] = 0).
  strictEqual(plan.updates, 3);
  strictEqual(plan.entry(2, 0), -1);
});

Deno.test("every matrix entry and every fill-in is in the pattern; MD never fills more than natural order here", () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 20; trial++) {
    const n = 5 + Math.floor(rand() * 60);
    const edges: number[] = [];
    for (let i = 1; i < n; i++) edges.push(i, Math.max(0, i - 1 - Math.floor(rand() * 4)));
    for (let e = 0; e < n; e++) edges.push(Math.floor(rand() * n), Math.floor(rand() * n));
    const md = planCholesky(n, edges);
    const nat = planCholesky(n, edges, Int32Array.from({ length: n }, (_, i) => i));
    ok(md.nnz <= nat.nnz, `trial ${trial}: ${md.nnz} > ${nat.nnz}`);
    for (let e = 0; e < edges.length; e += 2) {
      const a = md.position[edges[e]!]!, b = md.position[edges[e + 1]!]!;
      if (a !== b) ok(md.entry(Math.max(a, b), Math.min(a, b)) >= 0);
    }
    for (let i = 0; i < n; i++) strictEqual(md.perm[md.position[i]!], i);
  }
});

Deno.test("a bad order or edge is rejected", () => {
  throws(() => planCholesky(3, [0, 1], [0, 0, 1]), RangeError);
  throws(() => planCholesky(3, [0, 5]), RangeError);
});
