import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import {
  chooseSolver,
  formatRates,
  makeProbe,
  pickByRates,
  probeKey,
  type Solver,
  typicalNetwork,
} from "./mod.ts";

const ts = createTsSolver();

/** The ts solver made `factor` times slower by repeating every kernel call. */
function slowed(name: string, factor: number, scratchBytes = 0): Solver & { scratchBytes: number } {
  const rep = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => {
    for (let i = 0; i < factor; i++) f(...a);
  };
  return {
    name,
    scratchBytes,
    dgemm: rep(ts.dgemm),
    sparseCholeskySolve: rep(ts.sparseCholeskySolve),
    assembleNormalEquations: rep(ts.assembleNormalEquations),
    temporalCoherence: rep(ts.temporalCoherence),
    groupedSquaredNorms: rep(ts.groupedSquaredNorms),
    rampRowSums: rep(ts.rampRowSums),
    maskedSquareSums: rep(ts.maskedSquareSums),
    removeRampRows: rep(ts.removeRampRows),
    fitSeriesFloat32: (fit) => {
      let count = 0;
      for (let i = 0; i < factor; i++) count = ts.fitSeriesFloat32(fit);
      return count;
    },
  };
}

Deno.test("chooseSolver picks the measurably faster candidate for each kind of work", () => {
  const fast = slowed("fast", 1), slow = slowed("slow", 6);
  for (
    const shape of [
      { kind: "inversion", numDates: 20, numObs: 50, lanes: 32 },
      { kind: "gemm", m: 3, n: 5000, k: 40 },
      { kind: "rampRowSums", width: 1000, numSum: 6, numBad: 10 },
    ] as const
  ) {
    const choice = chooseSolver([slow, fast], shape, { ms: 40 });
    strictEqual(choice.solver.name, "fast", formatRates(choice));
    strictEqual(choice.rates[0]!.name, "fast");
    ok(choice.rates[0]!.rate > 2 * choice.rates[1]!.rate, formatRates(choice));
    strictEqual(choice.unit, shape.kind === "gemm" ? "flop/s" : "pixels/s");
  }
});

Deno.test("a candidate whose scratch exceeds 10% of the memory budget is not picked", () => {
  const hungry = slowed("hungry", 1, 500e6), lean = slowed("lean", 4, 1e6);
  const shape = { kind: "gemm", m: 2, n: 2000, k: 30 } as const;
  const choice = chooseSolver([hungry, lean], shape, { budgetBytes: 1e9, ms: 30 });
  strictEqual(choice.solver.name, "lean");
  ok(choice.rates.find((r) => r.name === "hungry")!.fits === false);
  ok(formatRates(choice).includes("hungry") && formatRates(choice).includes("over budget"));
  // Nothing fits: the fastest is still used rather than refusing to run.
  strictEqual(
    pickByRates([hungry], [{ name: "hungry", rate: 1 }], "flop/s", 1e6).solver.name,
    "hungry",
  );
  throws(() => chooseSolver([], shape), RangeError);
});

Deno.test("pickByRates reuses cached rates and ignores backends no longer available", () => {
  const a = slowed("a", 1), b = slowed("b", 1);
  const rates = [{ name: "gone", rate: 9e9 }, { name: "b", rate: 2 }, { name: "a", rate: 1 }];
  const pick = pickByRates([a, b], rates, "pixels/s");
  strictEqual(pick.solver.name, "b");
  deepStrictEqual(pick.rates.map((r) => r.name), ["b", "a"]);
});

Deno.test("probes run the real kernels: the inversion probe solves its systems", () => {
  const probe = makeProbe({ kind: "inversion", numDates: 12, numObs: 30, lanes: 16 });
  strictEqual(probe.work, 16);
  let solved = 0;
  const counting: Solver = {
    ...ts,
    sparseCholeskySolve(plan, lanes, values, rhs, status) {
      ts.sparseCholeskySolve(plan, lanes, values, rhs, status);
      solved += status.subarray(0, lanes).filter((s) => s === 0).length;
    },
  };
  probe.run(counting);
  strictEqual(solved, 16, "every probe pixel is positive definite");
  probe.run(counting, true);
  strictEqual(solved, 24, "a warm-up run solves 8 pixels");
});

Deno.test("typicalNetwork joins nearest neighbours first and caps at the complete graph", () => {
  const { date1, date2 } = typicalNetwork(5, 6);
  deepStrictEqual([...date1], [0, 1, 2, 3, 0, 1]);
  deepStrictEqual([...date2], [1, 2, 3, 4, 2, 3]);
  strictEqual(typicalNetwork(4, 100).date1.length, 6);
});

Deno.test("probeKey names shapes stably, bucketing GEMM pixel counts", () => {
  strictEqual(probeKey({ kind: "gemm", m: 2, n: 1000, k: 30 }), "gemm:2x1024x30");
  strictEqual(
    probeKey({ kind: "rampRowSums", width: 1000, numSum: 3, numBad: 5 }),
    "ramp:1000w:3s:5b",
  );
  strictEqual(
    probeKey({ kind: "gemm", m: 2, n: 1000, k: 30 }),
    probeKey({ kind: "gemm", m: 2, n: 1030, k: 30 }),
  );
  strictEqual(
    probeKey([{ kind: "inversion", numDates: 30, numObs: 84, lanes: 128 }, {
      kind: "gemm",
      m: 1,
      n: 1,
      k: 1,
    }]),
    "inversion:30d:84k:128l+gemm:1x1x1",
  );
});
