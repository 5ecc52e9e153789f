import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Matrix, pseudoInverse as mlPinv } from "ml-matrix";
import {
  buildNetwork,
  designMatrixA,
  designMatrixB,
  minNormLstsq,
  networkComponents,
  timeseriesBperp,
} from "./network.ts";
import { InputError } from "./errors.ts";

const D = ["20200101", "20200113", "20200125", "20200206", "20200218"];

Deno.test("dates, indices, reference date and float32 time axis", () => {
  const net = buildNetwork([[D[1]!, D[2]!], [D[0]!, D[1]!], [D[0]!, D[2]!], [D[2]!, D[3]!]]);
  deepStrictEqual(net.dates, D.slice(0, 4));
  deepStrictEqual(Array.from(net.date1), [1, 0, 0, 2]);
  deepStrictEqual(Array.from(net.date2), [2, 1, 2, 3]);
  strictEqual(net.refIndex, 0);
  deepStrictEqual(Array.from(net.columnOfDate), [-1, 0, 1, 2]);
  deepStrictEqual(Array.from(net.tbase), [0, 12, 24, 36].map((d) => Math.fround(d / 365.25)));
  deepStrictEqual(
    Array.from(net.tbaseDiff),
    [0, 1, 2].map((i) => Math.fround(net.tbase[i + 1]! - net.tbase[i]!)),
  );
});

Deno.test("design matrices A and B of a small network", () => {
  const net = buildNetwork([[D[0]!, D[1]!], [D[0]!, D[2]!], [D[1]!, D[2]!], [D[3]!, D[1]!]]);
  const a = designMatrixA(net), b = designMatrixB(net);
  deepStrictEqual(Array.from(a), [
    1,
    0,
    0,
    0,
    1,
    0,
    -1,
    1,
    0,
    1,
    0,
    -1, // first date later than the second: -1 at D3, +1 at D1
  ]);
  const [t0, t1, t2] = net.tbaseDiff;
  deepStrictEqual(Array.from(b), [
    t0,
    0,
    0,
    t0,
    t1,
    0,
    0,
    t1,
    0,
    0,
    -t1!,
    -t2!,
  ]);
});

Deno.test("B = A T with T the cumulative sum of time steps (random network)", () => {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < D.length; i++) {
    for (let j = i + 1; j < D.length; j += 2) pairs.push([D[i]!, D[j]!]);
  }
  const net = buildNetwork(pairs);
  const K = pairs.length, M = D.length - 1;
  const a = designMatrixA(net), b = designMatrixB(net);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < M; i++) {
      // T[c, i] = dt_i when column c's date index (c + 1) is after step i.
      let s = 0;
      for (let c = 0; c < M; c++) if (c + 1 > i) s += a[k * M + c]! * net.tbaseDiff[i]!;
      ok(Math.abs(s - b[k * M + i]!) < 1e-15);
    }
  }
});

Deno.test("a single-reference network uses its common first date as the reference", () => {
  const net = buildNetwork([[D[2]!, D[0]!], [D[2]!, D[1]!], [D[2]!, D[3]!]]);
  strictEqual(net.refIndex, 2);
  deepStrictEqual(Array.from(net.dateOfColumn), [0, 1, 3]);
  deepStrictEqual(Array.from(designMatrixA(net)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

Deno.test("bad networks are input errors", () => {
  throws(() => buildNetwork([]), InputError);
  throws(() => buildNetwork([[D[0]!, D[0]!]]), InputError);
  throws(() => buildNetwork([["2020011", D[0]!]]), InputError);
});

Deno.test("connected components, optionally over a subset of interferograms", () => {
  const net = buildNetwork([[D[0]!, D[1]!], [D[1]!, D[2]!], [D[3]!, D[4]!], [D[2]!, D[3]!]]);
  strictEqual(networkComponents(net).count, 1);
  const sub = networkComponents(net, [1, 1, 1, 0]);
  strictEqual(sub.count, 2);
  deepStrictEqual(Array.from(sub.component), [0, 0, 0, 1, 1]);
});

Deno.test("time-series bperp: exact for a connected network, min-norm otherwise", () => {
  const truth = [0, 35.5, -12.25, 80, 3];
  const pairs: Array<[number, number]> = [[0, 1], [0, 2], [1, 2], [1, 3], [2, 4], [3, 4]];
  const net = buildNetwork(pairs.map(([i, j]) => [D[i]!, D[j]!]));
  const got = timeseriesBperp(net, pairs.map(([i, j]) => truth[j]! - truth[i]!));
  deepStrictEqual(Array.from(got), truth.map((v) => Math.fround(v)));

  const split: Array<[number, number]> = [[0, 1], [2, 3], [3, 4], [2, 4]];
  const net2 = buildNetwork(split.map(([i, j]) => [D[i]!, D[j]!]));
  const bp = [10, 5, 7, 11];
  const got2 = timeseriesBperp(net2, bp);
  const A = new Matrix(4, 4);
  const a = designMatrixA(net2);
  for (let i = 0; i < 16; i++) A.set(Math.floor(i / 4), i % 4, a[i]!);
  const want = mlPinv(A).mmul(Matrix.columnVector(bp));
  for (let c = 0; c < 4; c++) ok(Math.abs(got2[c + 1]! - Math.fround(want.get(c, 0))) < 1e-5);
});

Deno.test("minNormLstsq equals the pseudo-inverse solution of a rank-deficient system", () => {
  // Rank 2: the third column is the sum of the first two.
  const g = Float64Array.from([1, 2, 3, 0, 1, 1, 4, 0, 4, 2, 2, 4]);
  const y = [1, -2, 0.5, 3];
  const { x, rank } = minNormLstsq(g, 4, 3, y, 1e-5);
  strictEqual(rank, 2);
  const want = mlPinv(new Matrix([[1, 2, 3], [0, 1, 1], [4, 0, 4], [2, 2, 4]]))
    .mmul(Matrix.columnVector(y));
  for (let i = 0; i < 3; i++) ok(Math.abs(x[i]! - want.get(i, 0)) < 1e-12);
});
