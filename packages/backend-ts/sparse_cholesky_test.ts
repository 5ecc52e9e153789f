import { ok, strictEqual } from "node:assert/strict";
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { planCholesky } from "@vinsar/core";
import { sparseCholeskySolve } from "./sparse_cholesky.ts";
import { uniformRandom } from "@vinsar/core";

/** A random connected graph on n nodes: a random tree plus `extra` random edges. */
function randomEdges(n: number, extra: number, rand: () => number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < n; i++) edges.push(i, Math.floor(rand() * i));
  for (let e = 0; e < extra; e++) {
    const a = Math.floor(rand() * n), b = Math.floor(rand() * n);
    if (a !== b) edges.push(a, b);
  }
  return edges;
}

/**
 * A random SPD matrix with the pattern of `edges`: a weighted graph Laplacian plus a
 * positive diagonal (a grounded network).
 */
function randomSpd(n: number, edges: number[], rand: () => number): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let e = 0; e < edges.length; e += 2) {
    const a = edges[e]!, b = edges[e + 1]!, w = 0.1 + 3 * rand();
    m[a]![a]! += w;
    m[b]![b]! += w;
    m[a]![b]! -= w;
    m[b]![a]! -= w;
  }
  for (let i = 0; i < n; i++) m[i]![i]! += 0.05 + rand();
  return m;
}

Deno.test("sparse Cholesky over lanes equals ml-matrix's dense Cholesky on random networks", () => {
  const rand = uniformRandom(42);
  for (const [n, extra] of [[1, 0], [2, 1], [7, 5], [30, 40], [60, 150]] as const) {
    const edges = randomEdges(n, extra, rand);
    for (const order of [undefined, Int32Array.from({ length: n }, (_, i) => i)]) {
      const plan = planCholesky(n, edges, order);
      const lanes = 5;
      const mats = Array.from({ length: lanes }, () => randomSpd(n, edges, rand));
      const bs = Array.from({ length: lanes }, () => Array.from({ length: n }, () => rand() - 0.5));
      const values = new Float64Array(plan.nnz * lanes);
      const rhs = new Float64Array(n * lanes);
      for (let p = 0; p < lanes; p++) {
        for (let i = 0; i < n; i++) {
          rhs[plan.position[i]! * lanes + p] = bs[p]![i]!;
          for (let j = 0; j <= i; j++) {
            const v = mats[p]![i]![j]!;
            if (v === 0) continue;
            const pi = plan.position[i]!, pj = plan.position[j]!;
            const e = plan.entry(Math.max(pi, pj), Math.min(pi, pj));
            ok(e >= 0, `entry (${i}, ${j}) of the matrix is in L's pattern`);
            values[e * lanes + p] = v;
          }
        }
      }
      const status = new Uint8Array(lanes).fill(9);
      sparseCholeskySolve(plan, lanes, values, rhs, status);
      for (let p = 0; p < lanes; p++) {
        strictEqual(status[p], 0);
        const want = new CholeskyDecomposition(new Matrix(mats[p]!)).solve(
          Matrix.columnVector(bs[p]!),
        );
        for (let i = 0; i < n; i++) {
          const got = rhs[plan.position[i]! * lanes + p]!;
          ok(
            Math.abs(got - want.get(i, 0)) < 1e-10 * (1 + Math.abs(want.get(i, 0))),
            `n=${n} lane ${p} x[${i}]: ${got} vs ${want.get(i, 0)}`,
          );
        }
      }
    }
  }
});

Deno.test("the factor itself: L L^T reproduces the permuted matrix", () => {
  const rand = uniformRandom(7);
  const n = 25, edges = randomEdges(n, 30, rand);
  const plan = planCholesky(n, edges);
  const m = randomSpd(n, edges, rand);
  const values = new Float64Array(plan.nnz);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      if (m[i]![j]! === 0) continue;
      const pi = plan.position[i]!, pj = plan.position[j]!;
      values[plan.entry(Math.max(pi, pj), Math.min(pi, pj))] = m[i]![j]!;
    }
  }
  sparseCholeskySolve(plan, 1, values, new Float64Array(n), new Uint8Array(1));
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    for (let e = plan.colPtr[c]!; e < plan.colPtr[c + 1]!; e++) l[plan.rowIdx[e]!]![c] = values[e]!;
  }
  for (let r = 0; r < n; r++) {
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let k = 0; k <= c; k++) s += l[r]![k]! * l[c]![k]!;
      const want = m[plan.perm[r]!]![plan.perm[c]!]!;
      ok(Math.abs(s - want) < 1e-12 * (1 + Math.abs(want)), `(${r}, ${c}): ${s} vs ${want}`);
    }
  }
});

Deno.test("a lane that is not positive definite is flagged, the others still solve", () => {
  const n = 3, edges = [0, 1, 1, 2];
  const plan = planCholesky(n, edges);
  const lanes = 2;
  const values = new Float64Array(plan.nnz * lanes);
  const rhs = new Float64Array(n * lanes);
  // Lane 0: tridiagonal [2 -1 0; -1 2 -1; 0 -1 2]; lane 1: the singular Laplacian.
  const put = (i: number, j: number, p: number, v: number) => {
    const pi = plan.position[i]!, pj = plan.position[j]!;
    values[plan.entry(Math.max(pi, pj), Math.min(pi, pj)) * lanes + p] = v;
  };
  for (let i = 0; i < n; i++) put(i, i, 0, 2);
  put(1, 0, 0, -1);
  put(2, 1, 0, -1);
  put(0, 0, 1, 1);
  put(1, 1, 1, 2);
  put(2, 2, 1, 1);
  put(1, 0, 1, -1);
  put(2, 1, 1, -1);
  for (let i = 0; i < n; i++) rhs[plan.position[i]! * lanes] = 1;
  const status = new Uint8Array(lanes);
  sparseCholeskySolve(plan, lanes, values, rhs, status);
  strictEqual(status[0], 0);
  strictEqual(status[1], 1);
  // [2 -1 0; -1 2 -1; 0 -1 2] x = 1 has x = (1.5, 2, 1.5).
  const x = [0, 1, 2].map((i) => rhs[plan.position[i]! * lanes]!);
  ok(Math.abs(x[0]! - 1.5) < 1e-12 && Math.abs(x[1]! - 2) < 1e-12 && Math.abs(x[2]! - 1.5) < 1e-12);
});
