/**
 * The sparse normal-equation system of a network, analysed once: the Cholesky plan of its
 * reduced graph Laplacian (unknowns = dates without the reference date, ordered by minimum
 * degree) and where each interferogram scatters into it.
 * @module
 */
import { type CholeskyAnalysis, planCholesky } from "./cholesky_plan.ts";
import type { Network } from "./network.ts";
import type { NetworkScatter } from "./solver.ts";

/** A network's Cholesky plan and observation scatter. */
export interface NetworkSystem {
  readonly plan: CholeskyAnalysis;
  readonly scatter: NetworkScatter;
}

/**
 * Analyse the normal equations `A^T W A` of `net`: every pixel's matrix has (a subset of)
 * this pattern, so one symbolic factorization serves all pixels.
 */
export function planNetworkSystem(net: Network): NetworkSystem {
  const K = net.date1.length, n = net.dates.length - 1;
  const edges: number[] = [];
  for (let k = 0; k < K; k++) {
    const c1 = net.columnOfDate[net.date1[k]!]!, c2 = net.columnOfDate[net.date2[k]!]!;
    if (c1 >= 0 && c2 >= 0) edges.push(c1, c2);
  }
  const plan = planCholesky(n, edges);
  const diag1 = new Int32Array(K), diag2 = new Int32Array(K), offDiag = new Int32Array(K);
  const pos1 = new Int32Array(K), pos2 = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const c1 = net.columnOfDate[net.date1[k]!]!, c2 = net.columnOfDate[net.date2[k]!]!;
    const p1 = c1 >= 0 ? plan.position[c1]! : -1, p2 = c2 >= 0 ? plan.position[c2]! : -1;
    pos1[k] = p1;
    pos2[k] = p2;
    diag1[k] = p1 >= 0 ? plan.colPtr[p1]! : -1;
    diag2[k] = p2 >= 0 ? plan.colPtr[p2]! : -1;
    offDiag[k] = p1 >= 0 && p2 >= 0 ? plan.entry(Math.max(p1, p2), Math.min(p1, p2)) : -1;
  }
  return { plan, scatter: { numObs: K, diag1, diag2, offDiag, pos1, pos2 } };
}
