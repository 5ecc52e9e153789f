/**
 * Property tests: every kernel of the WASM backend against the TypeScript backend on
 * random problems (odd sizes, strides, lane counts, slab-splitting paths), to 1e-12
 * relative (the sin/cos-based temporal coherence: to its stated 1e-9 absolute).
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { buildNetwork, planNetworkSystem, type Solver } from "@vinsar/core";
import { createWasmSolver } from "./mod.ts";
import { uniformRandom } from "@vinsar/core";

const ts = createTsSolver();
// A tiny slab forces the binding's split paths (GEMM column slabs, lane slabs).
const wasmSolvers = [await createWasmSolver(), await createWasmSolver({ slabBytes: 6000 })];

/** |got - want| <= tol * scale elementwise, with a message naming the first failure. */
function close(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  scale: ArrayLike<number> | number,
  tol: number,
  what: string,
): void {
  strictEqual(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const s = typeof scale === "number" ? scale : scale[i]!;
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= tol * s) && !(Number.isNaN(got[i]!) && Number.isNaN(want[i]!))) {
      ok(false, `${what}[${i}]: wasm ${got[i]} vs ts ${want[i]} (scale ${s})`);
    }
  }
}

Deno.test("wasm dgemm equals ts dgemm on random shapes, strides, transposes, alpha and beta", () => {
  const rand = uniformRandom(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let trial = 0; trial < 300; trial++) {
    const m = pick([1, 2, 3, 4, 5, 7, 8, 9, 13]), n = pick([1, 2, 3, 4, 5, 8, 17, 33, 130]);
    const k = pick([0, 1, 2, 3, 4, 5, 6, 11, 40]);
    const transA = rand() < 0.3, transB = rand() < 0.3;
    const alpha = pick([1, -1, 0, 0.37, 2.5]), beta = pick([0, 1, -0.5, 2]);
    const aRows = transA ? k : m, aCols = transA ? m : k;
    const bRows = transB ? n : k, bCols = transB ? k : n;
    const lda = aCols + pick([0, 0, 1, 3]), ldb = bCols + pick([0, 0, 2]);
    const ldc = n + pick([0, 0, 1, 5]);
    const a = Float64Array.from({ length: Math.max(1, aRows * lda) }, () => rand() - 0.5);
    // Some zero entries of A: the kernels skip all-zero terms.
    if (rand() < 0.3) { for (let i = 0; i < a.length; i += 3) a[i] = 0; }
    const b = Float64Array.from({ length: Math.max(1, bRows * ldb) }, () => 4 * rand() - 2);
    const c0 = Float64Array.from({ length: m * ldc }, () => rand() - 0.5);
    // Scale of each C entry: |beta c| + |alpha| sum_p |op(A)_ip| |op(B)_pj|.
    const scale = new Float64Array(m * ldc).fill(1e-300);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = Math.abs(beta * c0[i * ldc + j]!);
        for (let p = 0; p < k; p++) {
          const av = transA ? a[p * lda + i]! : a[i * lda + p]!;
          const bv = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
          s += Math.abs(alpha * av * bv);
        }
        scale[i * ldc + j] = Math.max(s, 1e-300);
      }
    }
    const want = c0.slice();
    ts.dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc);
    for (const w of wasmSolvers) {
      const got = c0.slice();
      w.dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc);
      close(got, want, scale, 1e-12, `dgemm ${m}x${n}x${k} tA=${transA} tB=${transB} (${trial})`);
    }
  }
});

Deno.test("wasm dgemm leaves C's padding between rows untouched (beta 0, ldc > n)", () => {
  const m = 3, n = 5, k = 4, ldc = 8;
  const a = Float64Array.from({ length: m * k }, (_, i) => i + 1);
  const b = Float64Array.from({ length: k * n }, (_, i) => i - 3);
  for (const w of wasmSolvers) {
    const c = new Float64Array(m * ldc).fill(NaN);
    w.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, ldc);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < ldc; j++) {
        const v = c[i * ldc + j]!;
        if (j < n) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
          strictEqual(v, s);
        } else ok(Number.isNaN(v), `padding (${i}, ${j}) kept`);
      }
    }
  }
});

/** A random connected network of N dates: a chain with random skips plus random pairs. */
function randomNetwork(N: number, extra: number, rand: () => number) {
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

/** Normal equations of random observations, assembled by the ts kernel. */
function randomSystem(N: number, extra: number, lanes: number, rand: () => number) {
  const net = randomNetwork(N, extra, rand);
  const { plan, scatter } = planNetworkSystem(net);
  const K = net.date1.length;
  const obs = Float64Array.from({ length: K * lanes }, () => 20 * rand() - 10);
  const weight = Float64Array.from({ length: K * lanes }, () => (rand() < 0.1 ? 0 : 0.05 + rand()));
  return { net, plan, scatter, K, obs, weight };
}

const LANE_COUNTS = [1, 2, 3, 7, 8, 9, 16, 17, 31, 64, 133, 300];

Deno.test("wasm assembleNormalEquations equals ts on random networks and lane counts", () => {
  const rand = uniformRandom(11);
  for (const lanes of LANE_COUNTS) {
    const N = 3 + Math.floor(rand() * 40);
    const { plan, scatter, obs, weight } = randomSystem(N, 2 * N, lanes, rand);
    const vT = new Float64Array(plan.nnz * lanes).fill(7),
      rT = new Float64Array(plan.n * lanes).fill(7);
    ts.assembleNormalEquations(plan, scatter, lanes, obs, weight, vT, rT);
    const vs = vT.map(Math.abs), rs = new Float64Array(rT.length).fill(1e-300);
    for (let k = 0; k < scatter.numObs; k++) {
      for (let p = 0; p < lanes; p++) {
        const wy = Math.abs(weight[k * lanes + p]! * obs[k * lanes + p]!);
        if (scatter.pos1[k]! >= 0) rs[scatter.pos1[k]! * lanes + p] += wy;
        if (scatter.pos2[k]! >= 0) rs[scatter.pos2[k]! * lanes + p] += wy;
      }
    }
    for (const w of wasmSolvers) {
      const v = new Float64Array(plan.nnz * lanes).fill(-3),
        r = new Float64Array(plan.n * lanes).fill(-3);
      w.assembleNormalEquations(plan, scatter, lanes, obs, weight, v, r);
      close(v, vT, vs.map((x) => Math.max(x, 1e-300)), 1e-12, `values (lanes ${lanes})`);
      close(r, rT, rs, 1e-12, `rhs (lanes ${lanes})`);
    }
  }
});

Deno.test("wasm sparseCholeskySolve equals ts, including lanes that are not positive definite", () => {
  const rand = uniformRandom(5);
  let identical = 0, total = 0;
  for (const lanes of LANE_COUNTS) {
    const N = 2 + Math.floor(rand() * 60);
    const { plan, scatter, obs, weight } = randomSystem(N, Math.floor(1.5 * N), lanes, rand);
    const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
    ts.assembleNormalEquations(plan, scatter, lanes, obs, weight, values, rhs);
    // Every fourth lane gets a negative (or NaN) pivot somewhere: status 1, no throw.
    for (let p = 3; p < lanes; p += 4) {
      const col = Math.floor(rand() * plan.n);
      values[plan.colPtr[col]! * lanes + p] = p % 8 === 3 ? -1 : NaN;
    }
    const vT = values.slice(), rT = rhs.slice(), sT = new Uint8Array(lanes).fill(9);
    ts.sparseCholeskySolve(plan, lanes, vT, rT, sT);
    for (const w of wasmSolvers) {
      const v = values.slice(), r = rhs.slice(), s = new Uint8Array(lanes).fill(9);
      w.sparseCholeskySolve(plan, lanes, v, r, s);
      strictEqual(s.join(","), sT.join(","), `status (lanes ${lanes})`);
      // Compare the lanes that solved; a failed lane's rhs is undefined by contract.
      for (let p = 0; p < lanes; p++) {
        if (sT[p]) continue;
        const lane = (x: Float64Array, items: number) =>
          Array.from({ length: items }, (_, i) => x[i * lanes + p]!);
        const want = lane(rT, plan.n);
        const norm = Math.max(1e-300, ...want.map(Math.abs));
        close(lane(r, plan.n), want, norm, 1e-12, `solution lane ${p} of ${lanes}`);
        close(
          lane(v, plan.nnz),
          lane(vT, plan.nnz),
          Math.max(...lane(vT, plan.nnz).map(Math.abs)),
          1e-12,
          `L lane ${p}`,
        );
        total++;
        if (lane(r, plan.n).every((x, i) => x === want[i])) identical++;
      }
    }
  }
  ok(total > 0);
  // Same operations in the same order: bit-identical in practice (reported, not required).
  console.log(`sparseCholeskySolve: ${identical}/${total} solved lanes bit-identical to ts`);
});

Deno.test("wasm temporalCoherence equals ts to 1e-9 and Math.cos/sin to 1e-9", () => {
  const rand = uniformRandom(3);
  for (const lanes of LANE_COUNTS) {
    const N = 3 + Math.floor(rand() * 30);
    const net = randomNetwork(N, 2 * N, rand);
    const K = net.date1.length;
    const obs = Float64Array.from({ length: K * lanes }, (_, i) =>
      // Residuals from tiny to hundreds of cycles (unwrapping errors).
      (rand() - 0.5) * (i % 5 === 0 ? 2000 : 6));
    const use = Float64Array.from({ length: K * lanes }, () => (rand() < 0.15 ? 0 : 1));
    // One lane with no observation at all: coherence 0.
    for (let k = 0; k < K; k++) use[k * lanes] = 0;
    const tsd = Float64Array.from({ length: N * lanes }, () => 40 * rand() - 20);
    const want = new Float64Array(lanes);
    ts.temporalCoherence(K, N, lanes, net.date1, net.date2, obs, use, tsd, want);
    for (const w of wasmSolvers) {
      const got = new Float64Array(lanes).fill(5);
      w.temporalCoherence(K, N, lanes, net.date1, net.date2, obs, use, tsd, got);
      close(got, want, 1, 1e-9, `coherence (lanes ${lanes})`);
      strictEqual(got[0], 0);
      for (let p = 1; p < lanes; p++) {
        let c = 0, s = 0, n = 0;
        for (let k = 0; k < K; k++) {
          if (!use[k * lanes + p]) continue;
          const d1 = net.date1[k]!, d2 = net.date2[k]!;
          const e = obs[k * lanes + p]! - (tsd[d2 * lanes + p]! - tsd[d1 * lanes + p]!);
          c += Math.cos(e);
          s += Math.sin(e);
          n++;
        }
        const exact = n ? Math.hypot(c, s) / n : 0;
        ok(Math.abs(got[p]! - exact) < 1e-9, `lane ${p}: ${got[p]} vs exact ${exact}`);
      }
    }
  }
});

Deno.test("the wasm solver implements every kernel of the ts solver", () => {
  const kernels = (s: Solver) =>
    Object.entries(s).filter(([, v]) => typeof v === "function").map(([k]) => k).sort();
  for (const w of wasmSolvers) {
    const missing = kernels(ts).filter((k) => !kernels(w).includes(k));
    strictEqual(missing.join(", "), "", "kernels missing from the wasm backend");
  }
});

Deno.test("module memory stays bounded by the slab size for calls much larger than it", () => {
  const w = wasmSolvers[1]!;
  const before = w.arena.byteLength;
  const m = 3, n = 20000, k = 30;
  const a = new Float64Array(m * k).fill(0.5), b = new Float64Array(k * n).fill(2);
  const c = new Float64Array(m * n);
  w.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
  ok(c.every((x) => x === 30), "every entry is 30 * 0.5 * 2");
  // The call's data is 5 MB; the 6 kB slab keeps the memory within a few pages.
  ok(w.arena.byteLength - before <= 4 * 65536, `memory grew by ${w.arena.byteLength - before}`);
});

Deno.test("wasm dgemm equals ts on block-sized products cut into sum and column slabs", () => {
  const rand = uniformRandom(9);
  const w = wasmSolvers[0]!;
  for (
    const [m, n, k, tA, tB] of [
      [6, 98, 6000, false, false], // deramp: sum slabs
      [6, 98, 6000, true, true],
      [8, 6000, 98, false, false], // time-function fit: column slabs
      [98, 6000, 3, false, false], // residual: short sums, column slabs
      [5, 3000, 60, true, true],
    ] as const
  ) {
    const lda = (tA ? m : k) + 1, ldb = (tB ? k : n) + 2, ldc = n + 1;
    const a = Float64Array.from({ length: (tA ? k : m) * lda }, () => rand() - 0.5);
    const b = Float64Array.from({ length: (tB ? n : k) * ldb }, () => rand() - 0.5);
    const c0 = Float64Array.from({ length: m * ldc }, () => rand() - 0.5);
    const want = c0.slice(), got = c0.slice();
    ts.dgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, -1, want, ldc);
    w.dgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, -1, got, ldc);
    // Sums of k terms of size <= 1/4: scale 1 + k/8 bounds |beta c| + sum |alpha a b|.
    close(got, want, 1 + k / 8, 1e-12, `dgemm ${m}x${n}x${k} tA=${tA} tB=${tB}`);
  }
});

Deno.test("sparseCholeskySolveRange solves only its lanes, exactly as the whole call does", () => {
  const rand = uniformRandom(21);
  const lanes = 45;
  const { plan, scatter, obs, weight } = randomSystem(25, 40, lanes, rand);
  const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
  ts.assembleNormalEquations(plan, scatter, lanes, obs, weight, values, rhs);
  for (const w of wasmSolvers) {
    const vAll = values.slice(), rAll = rhs.slice(), sAll = new Uint8Array(lanes);
    w.sparseCholeskySolve(plan, lanes, vAll, rAll, sAll);
    const v = values.slice(), r = rhs.slice(), s = new Uint8Array(lanes).fill(7);
    w.sparseCholeskySolveRange(plan, lanes, 8, 29, v, r, s);
    for (let i = 0; i < r.length; i++) {
      const p = i % lanes;
      strictEqual(r[i], p >= 8 && p < 29 ? rAll[i] : rhs[i], `rhs[${i}] (lane ${p})`);
    }
    for (let i = 0; i < v.length; i++) {
      const p = i % lanes;
      strictEqual(v[i], p >= 8 && p < 29 ? vAll[i] : values[i], `values[${i}]`);
    }
    // Lanes with a zero-weight-disconnected date fail in both calls alike.
    const want = Array.from(sAll, (x, p) => (p >= 8 && p < 29 ? x : 7));
    strictEqual([...s].join(""), want.join(""));
  }
});

Deno.test("blockBuffer: views survive memory growth and larger blocks; the Cholesky plans reload", async () => {
  const w = await createWasmSolver();
  const rand = uniformRandom(17);
  const lanes = 37, N = 12;
  const { plan, scatter, obs, weight } = randomSystem(N, 20, lanes, rand);
  const solve = () => {
    const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
    w.assembleNormalEquations(plan, scatter, lanes, obs, weight, values, rhs);
    const status = new Uint8Array(lanes);
    w.sparseCholeskySolve(plan, lanes, values, rhs, status);
    return [...rhs, ...status];
  };
  const before = solve(); // the plan is now resident
  const small = w.blockBuffer(1000);
  small.fill(3);
  strictEqual(w.arena.blockOffset(small), small.byteOffset);
  // A bigger block moves the resident inputs and scratch up; a big call grows the memory.
  const big = w.blockBuffer(3_000_000);
  const grownFrom = w.arena.byteLength;
  const m = 3, n = 200_000, k = 8;
  const c = new Float64Array(m * n);
  w.dgemm(
    false,
    false,
    m,
    n,
    k,
    1,
    new Float64Array(m * k).fill(1),
    k,
    new Float64Array(k * n).fill(1),
    n,
    0,
    c,
    n,
  );
  ok(c.every((x) => x === 8));
  ok(w.arena.byteLength >= grownFrom);
  // The old views still see the region (the memory is shared: nothing was detached).
  strictEqual(small.length, 1000);
  ok(small.every((x) => x === 3), "the small view kept its values");
  strictEqual(big[999], 3, "the bigger block starts where the small one did");
  big[2_999_999] = 5;
  strictEqual(w.blockBuffer(3_000_000)[2_999_999], 5, "the same region is handed out again");
  deepStrictEqual(solve(), before, "the plan reloaded above the block gives the same solve");
  // Arrays outside the region are not taken for it.
  strictEqual(w.arena.blockOffset(new Float32Array(10)), -1);
  strictEqual(w.arena.blockOffset(new Float32Array(w.arena.memory.buffer, 0, 4)), -1);
});
