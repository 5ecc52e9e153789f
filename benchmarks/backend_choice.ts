/**
 * What `--backend auto` would pick for the work of a real stack, next to steady-state
 * kernel timings of each backend: for the interferogram network of `ifgramStack.h5`
 * (inversion, 128 lanes) and for the time-function GEMMs of a block of its size.
 * Calibration is run fresh (no cache) `--repeat` times to show how stable the pick is.
 *
 *   deno run -A benchmarks/backend_choice.ts path/to/ifgramStack.h5 [--repeat 5]
 * @module
 */
import {
  buildNetwork,
  chooseSolver,
  formatRates,
  makeProbe,
  planNetworkSystem,
  type ProbeShape,
  type Solver,
} from "@vinsar/core";
import { IfgramStack } from "@vinsar/hdf5";
import { createTsSolver } from "@vinsar/backend-ts";
import { createWasmSolver } from "@vinsar/backend-wasm";

const path = Deno.args.find((a) => !a.startsWith("--"));
if (!path) {
  console.error("usage: deno run -A benchmarks/backend_choice.ts ifgramStack.h5 [--repeat N]");
  Deno.exit(2);
}
const i = Deno.args.indexOf("--repeat");
const repeat = i >= 0 ? Number(Deno.args[i + 1]) : 5;

const stack = await IfgramStack.open(path);
const network = buildNetwork(stack.keptDate12());
const system = planNetworkSystem(network);
const N = network.dates.length;
const shapes: Array<[string, ProbeShape]> = [
  ["inversion", { kind: "inversion", lanes: 128, network, system }],
  ["velocity fit", { kind: "gemm", m: 2, n: 65536, k: N }],
  ["fit with seasonal + step", { kind: "gemm", m: 8, n: 65536, k: N }],
];
console.log(
  `${path}: ${N} dates, ${network.date1.length} interferograms; L ${system.plan.nnz} nnz, ` +
    `${system.plan.updates} updates`,
);

for (const [label, shape] of shapes) {
  // A fresh process would start cold; here each repetition gets fresh solver instances, the
  // TypeScript JIT stays warm after the first one, so the first line is the realistic one.
  for (let r = 0; r < repeat; r++) {
    const candidates: Solver[] = [createTsSolver(), await createWasmSolver()];
    const c = chooseSolver(candidates, shape);
    console.log(
      `${label} calibration ${r + 1}: ${c.solver.name} in ${c.ms.toFixed(0)} ms (${
        formatRates(c)
      })`,
    );
  }
  // Steady state: 1 s per backend.
  const probe = makeProbe(shape);
  for (const s of [createTsSolver(), await createWasmSolver()]) {
    const t0 = performance.now();
    let runs = 0, best = Infinity;
    while (performance.now() - t0 < 1000) {
      const t = performance.now();
      probe.run(s);
      best = Math.min(best, performance.now() - t);
      runs++;
    }
    const rate = (probe.work / best) * 1000;
    console.log(
      `${label} steady state ${s.name}: ${rate.toPrecision(3)} ${probe.unit}/s (${runs} runs)`,
    );
  }
}
