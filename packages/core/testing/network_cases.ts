/**
 * Random interferogram networks and their weighted normal equations, for the tests of the
 * network kernels of `Solver` (`assembleNormalEquations`, `sparseCholeskySolve`,
 * `temporalCoherence`): used by the solver conformance suite and the backends' own tests.
 * @module
 */
import { buildNetwork, type Network } from "../network.ts";
import { type NetworkSystem, planNetworkSystem } from "../invert_system.ts";

/** A random connected network of N dates: a chain with random skips plus random pairs. */
export function randomNetwork(N: number, extra: number, rand: () => number): Network {
  const dates = Array.from(
    { length: N },
    (_, i) => new Date(Date.UTC(2020, 0, 1 + 6 * i)).toISOString().slice(0, 10).replaceAll("-", ""),
  );
  const set = new Set<string>();
  const pairs: Array<[string, string]> = [];
  const add = (i: number, j: number) => {
    const key = `${i}_${j}`;
    if (i >= j || set.has(key)) return;
    set.add(key);
    pairs.push([dates[i]!, dates[j]!]);
  };
  for (let i = 0; i + 1 < N; i++) add(i, i + 1);
  for (let e = 0; e < extra; e++) {
    const i = Math.floor(rand() * N), j = Math.floor(rand() * N);
    add(Math.min(i, j), Math.max(i, j));
  }
  return buildNetwork(pairs);
}

/** A random network with its system and random observations over `lanes` pixels. */
export interface RandomSystem extends NetworkSystem {
  readonly net: Network;
  /** Number of observations (interferograms). */
  readonly K: number;
  /** `K * lanes` lane-fastest observations in [-10, 10). */
  readonly obs: Float64Array;
  /**
   * `K * lanes` lane-fastest weights in [0.05, 1.05), about 10% of them 0 (so some lanes
   * lose a date: their matrix is singular).
   */
  readonly weight: Float64Array;
}

/** Observations and weights of a random network of N dates (`extra` random pairs). */
export function randomSystem(
  N: number,
  extra: number,
  lanes: number,
  rand: () => number,
): RandomSystem {
  const net = randomNetwork(N, extra, rand);
  const { plan, scatter } = planNetworkSystem(net);
  const K = net.date1.length;
  const obs = Float64Array.from({ length: K * lanes }, () => 20 * rand() - 10);
  const weight = Float64Array.from({ length: K * lanes }, () => (rand() < 0.1 ? 0 : 0.05 + rand()));
  return { net, plan, scatter, K, obs, weight };
}
