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
  probeKey,
  type ProbeShape,
  rampProbeShape,
  type Solver,
  timeFunctionTileWidth,
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
// The probes the steps pass to `resolveResources` (same helpers): ifgram_inversion's network
// at 128 lanes; timeseries2velocity's fused fit (residue) and its GEMMs over a tile of its
// pixels (bootstrap); timeseries_rms's ramp row sums over 1000-pixel rows.
const fit = (p: number): ProbeShape[] => [{
  kind: "seriesFit",
  numDates: N,
  numParams: p,
  residual: false,
}];
const gemms = (p: number): ProbeShape[] => {
  const w = timeFunctionTileWidth(N, 800 * 1000);
  return [{ kind: "gemm", m: p, n: w, k: N }, { kind: "gemm", m: N, n: w, k: p }];
};
const shapes: Array<[string, ProbeShape | ProbeShape[]]> = [
  ["inversion", { kind: "inversion", lanes: 128, network, system }],
  ["velocity fit", fit(2)],
  ["fit with seasonal + step", fit(8)],
  ["bootstrap fit GEMMs", gemms(2)],
  ["quadratic deramp", rampProbeShape({ ramp: "quadratic", length: 800, width: 1000 })],
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
  // Steady state: 1 s per backend (a list of shapes: the best time of each, summed).
  const probes = (Array.isArray(shape) ? shape : [shape]).map((x, k) => makeProbe(x, k + 1));
  for (const s of [createTsSolver(), await createWasmSolver()]) {
    let total = 0, runs = 0;
    for (const probe of probes) {
      const t0 = performance.now();
      let best = Infinity;
      while (performance.now() - t0 < 1000 / probes.length) {
        const t = performance.now();
        probe.run(s);
        best = Math.min(best, performance.now() - t);
        runs++;
      }
      total += best;
    }
    const one = probes.length === 1 ? probes[0]! : null;
    const rate = ((one ? one.work : 1) / total) * 1000;
    console.log(
      `${label} (${probeKey(shape)}) steady state ${s.name}: ${rate.toPrecision(3)} ${
        one ? one.unit : "runs"
      }/s (${runs} runs)`,
    );
  }
}
