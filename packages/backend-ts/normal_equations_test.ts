import { ok } from "node:assert/strict";
import { Matrix } from "ml-matrix";
import { buildNetwork, designMatrixA, planNetworkSystem } from "@vinsar/core";
import { assembleNormalEquations } from "./normal_equations.ts";

Deno.test("assembled normal equations equal A^T W A and A^T W y computed densely", () => {
  const pairs: Array<[string, string]> = [
    ["20200101", "20200113"],
    ["20200101", "20200125"],
    ["20200113", "20200125"],
    ["20200113", "20200206"],
    ["20200125", "20200218"],
    ["20200206", "20200218"],
    ["20200101", "20200218"],
  ];
  const net = buildNetwork(pairs);
  const { plan, scatter } = planNetworkSystem(net);
  const K = pairs.length, M = net.dates.length - 1, lanes = 3;
  const obs = new Float64Array(K * lanes), w = new Float64Array(K * lanes);
  for (let i = 0; i < K * lanes; i++) {
    obs[i] = Math.sin(1.7 * i) * 4;
    w[i] = i % 5 === 2 ? 0 : 0.3 + (i % 7); // some observations removed by a zero weight
  }
  const values = new Float64Array(plan.nnz * lanes).fill(99);
  const rhs = new Float64Array(plan.n * lanes).fill(99);
  assembleNormalEquations(plan, scatter, lanes, obs, w, values, rhs);
  const A = new Matrix(K, M);
  const a = designMatrixA(net);
  for (let k = 0; k < K; k++) for (let c = 0; c < M; c++) A.set(k, c, a[k * M + c]!);
  for (let p = 0; p < lanes; p++) {
    const W = Matrix.diag(Array.from({ length: K }, (_, k) => w[k * lanes + p]!));
    const y = Matrix.columnVector(Array.from({ length: K }, (_, k) => obs[k * lanes + p]!));
    const N = A.transpose().mmul(W).mmul(A);
    const b = A.transpose().mmul(W).mmul(y);
    for (let i = 0; i < M; i++) {
      const pi = plan.position[i]!;
      ok(Math.abs(rhs[pi * lanes + p]! - b.get(i, 0)) < 1e-12, `rhs ${i}`);
      for (let j = 0; j <= i; j++) {
        const pj = plan.position[j]!;
        const e = plan.entry(Math.max(pi, pj), Math.min(pi, pj));
        const got = e >= 0 ? values[e * lanes + p]! : 0;
        ok(Math.abs(got - N.get(i, j)) < 1e-12, `lane ${p} (${i}, ${j}): ${got} vs ${N.get(i, j)}`);
      }
    }
  }
});
