/**
 * Property tests of the wasm reduction kernels against the TypeScript backend on random
 * problems (odd sizes, strides, masks, NaN/infinite/zero pixels), with the default slabs
 * and with tiny slabs that force every split path of the binding: to 1e-12 relative, and
 * bit-identical where both kernels add in the same order (squared norms, series fit).
 */
import { ok, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { uniformRandom } from "@vinsar/core";
import { createWasmSolver, type WasmSolver } from "./mod.ts";
import { callRampRowSums, randomRampRows, sumScale } from "../backend-ts/ramp_row_sums_cases.ts";
import { callFitSeries, randomFitSeries } from "../backend-ts/fit_series_cases.ts";
import { callRemoveRamp, randomRemoveRamp } from "../backend-ts/remove_ramp_rows_cases.ts";

const ts = createTsSolver();
const wasmSolvers = [await createWasmSolver(), await createWasmSolver({ slabBytes: 6000 })];

/**
 * Each wasm solver with no placement (its kernels copy the data in and out), then with the
 * data placed in its own memory (`blockBuffer`: the kernels work on it in place).
 */
function inPlaceToo(): Array<[WasmSolver, ((length: number) => Float32Array) | undefined]> {
  return wasmSolvers.flatMap((w) =>
    [
      [w, undefined],
      [w, (length: number) => w.blockBuffer(length)],
    ] as Array<[WasmSolver, ((length: number) => Float32Array) | undefined]>
  );
}

/** |got - want| <= 1e-12 * scale elementwise. */
function close(got: ArrayLike<number>, want: ArrayLike<number>, scale: number[], what: string) {
  strictEqual(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    ok(d <= 1e-12 * scale[i]! || got[i] === want[i], `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

Deno.test("wasm groupedSquaredNorms is bit-identical to ts on random groups, strides, widths", () => {
  const rand = uniformRandom(31);
  for (let trial = 0; trial < 120; trial++) {
    const groups = 1 + Math.floor(rand() * 6), R = Math.floor(rand() * 110);
    const width = 1 + Math.floor(rand() * (trial % 10 === 0 ? 2000 : 80));
    const lda = width + Math.floor(rand() * 3), ldOut = width + Math.floor(rand() * 3);
    const a = Float64Array.from({ length: groups * R * lda }, () => 6 * rand() - 3);
    const sqrt = rand() < 0.5;
    const want = new Float64Array(groups * ldOut).fill(-7);
    ts.groupedSquaredNorms(groups, R, width, a, lda, want, ldOut, sqrt);
    for (const w of wasmSolvers) {
      const got = new Float64Array(groups * ldOut).fill(-7);
      w.groupedSquaredNorms(groups, R, width, a, lda, got, ldOut, sqrt);
      strictEqual(got.join(), want.join(), `trial ${trial}: ${groups}x${R}x${width}`);
    }
  }
});

Deno.test("wasm rampRowSums equals ts: sums and bad sums to 1e-12, counts identical", () => {
  const rand = uniformRandom(37);
  for (let trial = 0; trial < 100; trial++) {
    const p = randomRampRows(rand, trial % 4 !== 0, trial % 9 === 0);
    const run = (s: typeof ts) => callRampRowSums(s.rampRowSums.bind(s), p);
    const want = run(ts);
    const scale = Array.from(want.sums, (_, i) => 1e-300 + sumScale(p, i));
    // Bad sums: sums of basis values over the bad pixels (the counts, times the largest value).
    const badScale = Array.from(want.bad, (_, i) => want.badCount[Math.floor(i / p.numBad)]! + 1);
    for (const [w, place] of inPlaceToo()) {
      const got = callRampRowSums(w.rampRowSums.bind(w), p, place);
      strictEqual(got.badCount.join(), want.badCount.join(), `trial ${trial} counts`);
      close(got.bad, want.bad, badScale, `trial ${trial} bad sums`);
      close(got.sums, want.sums, scale, `trial ${trial} sums (${p.rows}x${p.width})`);
    }
  }
});

Deno.test("wasm maskedSquareSums equals ts to 1e-12, counts identical, rows longer than a slab", () => {
  const rand = uniformRandom(41);
  for (let trial = 0; trial < 60; trial++) {
    const rows = 1 + Math.floor(rand() * 6);
    const width = 1 + Math.floor(rand() * (trial % 5 === 0 ? 5000 : 300));
    const data = Float32Array.from({ length: rows * width }, () => {
      const r = rand();
      return r < 0.1 ? NaN : r < 0.15 ? 0 : r < 0.155 ? Infinity : 10 * rand() - 5;
    });
    const mask = trial % 3 === 0
      ? null
      : Uint8Array.from({ length: width }, () => (rand() < 0.6 ? 1 + Math.floor(rand() * 255) : 0));
    const s0 = Float64Array.from({ length: rows }, () => rand()),
      c0 = Float64Array.from(
        { length: rows },
        () => Math.floor(10 * rand()),
      );
    const sT = s0.slice(), cT = c0.slice();
    ts.maskedSquareSums(rows, width, data, mask, sT, cT);
    for (const [w, place] of inPlaceToo()) {
      const s = s0.slice(), c = c0.slice();
      const d = place ? place(data.length) : data;
      d.set(data);
      w.maskedSquareSums(rows, width, d, mask, s, c);
      strictEqual(c.join(), cT.join(), `trial ${trial} counts${place ? ", in place" : ""}`);
      close(s, sT, Array.from(sT, (x) => Math.abs(x)), `trial ${trial} sums (${rows}x${width})`);
    }
  }
});

Deno.test("wasm rampRowSums: row slabs whose mask rows wrap around or start mid-mask", async () => {
  // 450-byte slabs hold 3 rows of this problem: slabs start at mask rows 0, 3 (wrapping), 1, 4, 2.
  const w = await createWasmSolver({ slabBytes: 450 });
  const rand = uniformRandom(43);
  const rows = 13, width = 10, maskRows = 5;
  const data = Float32Array.from(
    { length: rows * width },
    () => (rand() < 0.1 ? NaN : rand() - 0.5),
  );
  const mask = Uint8Array.from({ length: maskRows * width }, () => (rand() < 0.6 ? 1 : 0));
  const basis = Float64Array.from({ length: width }, () => rand());
  const run = (s: typeof ts) => {
    const sums = new Float64Array(rows), bad = new Float64Array(rows), n = new Int32Array(rows);
    s.rampRowSums(rows, width, data, mask, maskRows, basis, 1, basis, 1, sums, bad, n);
    return [...sums, ...bad, ...n];
  };
  const want = run(ts), got = run(w);
  close(got, want, want.map((x) => Math.abs(x) + 10), "sums, bad sums, counts");
});

Deno.test("wasm fitSeriesFloat32 is bit-identical to ts: params, sums, e2, std, residual, special", () => {
  const rand = uniformRandom(43);
  const bits = (a: ArrayLike<number> | null) =>
    a ? Array.from(a, (v) => Object.is(v, -0) ? "-0" : String(v)).join() : "null";
  for (let trial = 0; trial < 100; trial++) {
    const c = randomFitSeries(rand);
    const want = callFitSeries(ts.fitSeriesFloat32.bind(ts), c);
    // Each solver on a gathered copy of the block, then on the block in its own memory.
    const runs = wasmSolvers.flatMap((w) => [
      { w, place: undefined, how: "gathered" },
      { w, place: (n: number) => w.blockBuffer(n), how: "in place" },
    ]);
    for (const { w, place, how } of runs) {
      const got = callFitSeries(w.fitSeriesFloat32.bind(w), c, place);
      const what =
        `trial ${trial}: ${c.n} dates x ${c.p} params x ${c.lanes} px, ${c.residual}, ${how}`;
      strictEqual(bits(got.params), bits(want.params), `${what}: params`);
      strictEqual(bits(got.sums), bits(want.sums), `${what}: sums`);
      strictEqual(bits(got.e2), bits(want.e2), `${what}: e2`);
      strictEqual(bits(got.std), bits(want.std), `${what}: std`);
      strictEqual(got.special.join(), want.special.join(), `${what}: special`);
      strictEqual(got.specialNaN.join(), want.specialNaN.join(), `${what}: special NaN`);
      strictEqual(bits(got.specialSum), bits(want.specialSum), `${what}: special sums`);
      strictEqual(bits(got.residual), bits(want.residual), `${what}: residual`);
    }
  }
});

Deno.test("wasm removeRampRows equals ts: data bit-identical, sums to 1e-12, counts identical", () => {
  const rand = uniformRandom(53);
  const bits = (a: Float32Array) => Array.from(a, (v) => Object.is(v, -0) ? "-0" : String(v));
  for (let trial = 0; trial < 100; trial++) {
    const p = randomRemoveRamp(rand, trial % 4 !== 0);
    const want = callRemoveRamp(ts.removeRampRows.bind(ts), p);
    const scale = Array.from(want.sumSq, (v) => 1e-300 + v);
    for (const [w, place] of inPlaceToo()) {
      const got = callRemoveRamp(w.removeRampRows.bind(w), p, place);
      const what =
        `trial ${trial}: ${p.rows}x${p.width}, mask ${p.maskRows} rows from ${p.maskRow0}${
          place ? ", in place" : ""
        }`;
      strictEqual(bits(got.data).join(), bits(want.data).join(), `${what}: data`);
      strictEqual(got.count.join(), want.count.join(), `${what}: counts`);
      close(got.sumSq, want.sumSq, scale, `${what}: sums`);
    }
  }
});
