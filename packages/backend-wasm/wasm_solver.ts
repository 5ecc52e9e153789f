/**
 * The {@link Solver} over an instance of `kernels.wasm`: each kernel copies its inputs
 * into the module's memory, runs the C kernel and copies the outputs back. Large calls
 * are cut into slabs (columns of C for GEMM, pixel lanes for the batched kernels) so the
 * module's memory stays bounded (about `slabBytes`) whatever the caller's block size.
 * @module
 */
import type { CholeskyPlan, NetworkScatter, ScratchBounded, Solver } from "@vinsar/core";
import { choleskyPlanArrays, gatherLanes, scatterLanes, WasmArena } from "./wasm_memory.ts";
import { bindDgemm } from "./wasm_dgemm.ts";
import { bindReductions } from "./wasm_reductions.ts";
import { bindNetworkLanes } from "./wasm_network_lanes.ts";
import type { KernelExports } from "./kernel_exports.ts";

export type { KernelExports } from "./kernel_exports.ts";

/** Time spent by one kernel of the binding, milliseconds, summed over calls. */
export interface KernelProfile {
  calls: number;
  /** Copying inputs into the module's memory. */
  copyInMs: number;
  /** The C kernel itself. */
  kernelMs: number;
  /** Copying outputs back. */
  copyOutMs: number;
}

/** Options of {@link wasmSolverFromInstance}. */
export interface WasmSolverOptions {
  /** Largest data of one kernel call in the module's memory, bytes (default 8 MiB). */
  slabBytes?: number;
  /** Data of one GEMM kernel call, bytes (default 1 MiB, capped by `slabBytes`). */
  gemmSlabBytes?: number;
  /** Record {@link KernelProfile}s (a few `performance.now()` calls per kernel call). */
  profile?: boolean;
}

/** The WASM solver, with its memory and optional per-kernel profile. */
export interface WasmSolver
  extends
    Omit<Solver, "referenceObservations">,
    Required<Pick<Solver, "referenceObservations">>,
    ScratchBounded {
  readonly arena: WasmArena;
  /** See {@link Solver.blockBuffer}: a region at the bottom of the module's shared memory. */
  blockBuffer(length: number): Float32Array;
  /** Bound of the module memory used for call data: two slabs (see {@link ScratchBounded}). */
  readonly scratchBytes: number;
  /** Per-kernel timings when created with `profile: true`, else null. */
  readonly profile: Record<string, KernelProfile> | null;
  /**
   * {@link Solver.sparseCholeskySolve} on lanes `from .. to-1` only of the full arrays
   * (`lanes` lanes), the others untouched: lets threads share one block of lanes without
   * first copying their ranges out.
   */
  sparseCholeskySolveRange(
    plan: CholeskyPlan,
    lanes: number,
    from: number,
    to: number,
    values: Float64Array,
    rhs: Float64Array,
    status: Uint8Array,
  ): void;
}

const DEFAULT_SLAB = 8 * 1024 * 1024;
/** GEMM slabs stay cache-sized: the kernel reads what the copy just wrote. */
const DEFAULT_GEMM_SLAB = 1024 * 1024;

/** Largest lane count of one sparse Cholesky kernel call. */
const CHOLESKY_MAX_LANES = 256;

/** Lanes per slab: all of them when they fit, else a multiple of 8 (the kernels' tile). */
function laneSlab(lanes: number, bytesPerLane: number, slab: number): number {
  if (lanes * bytesPerLane <= slab) return lanes;
  return Math.max(8, Math.floor(slab / bytesPerLane / 8) * 8);
}

/** Wrap an instantiated `kernels.wasm` and the memory it was given. */
export function wasmSolverFromInstance(
  instance: WebAssembly.Instance,
  memory: WebAssembly.Memory,
  options: WasmSolverOptions = {},
): WasmSolver {
  const k = { ...instance.exports, memory } as unknown as KernelExports;
  const arena = new WasmArena(k.memory, Number(k.__heap_base.value));
  const slab = options.slabBytes ?? DEFAULT_SLAB;
  const gemmSlab = options.gemmSlabBytes ?? DEFAULT_GEMM_SLAB;
  const profile: Record<string, KernelProfile> | null = options.profile ? {} : null;
  const now = profile ? () => performance.now() : () => 0;
  const record = (name: string, t0: number, t1: number, t2: number, t3: number): void => {
    if (!profile) return;
    const p = profile[name] ??= { calls: 0, copyInMs: 0, kernelMs: 0, copyOutMs: 0 };
    p.calls++;
    p.copyInMs += t1 - t0;
    p.kernelMs += t2 - t1;
    p.copyOutMs += t3 - t2;
  };

  function sparseCholeskySolveRange(
    plan: CholeskyPlan,
    lanes: number,
    from: number,
    to: number,
    values: Float64Array,
    rhs: Float64Array,
    status: Uint8Array,
  ): void {
    if (to <= from) return;
    const { n, nnz } = plan;
    const [[cp, ri, up, ut, ua, ub, rp, rs]] = arena.resident([
      [plan, choleskyPlanArrays(plan)],
    ]) as [number[]];
    // At most 256 lanes per call: with more, the lane-fastest stride (lanes x 8 bytes)
    // reaches 4 kB, defeating the hardware prefetch and mapping every entry of a tile to
    // the same cache sets (measured: 2.2x slower per pixel at 512 lanes than at 128).
    const c = Math.min(laneSlab(to - from, (nnz + n) * 8 + 1, slab), CHOLESKY_MAX_LANES);
    for (let p0 = from; p0 < to; p0 += c) {
      const t0 = now();
      const cw = Math.min(c, to - p0);
      arena.beginCall();
      const oV = arena.alloc(nnz * cw * 8), oR = arena.alloc(n * cw * 8), oS = arena.alloc(cw);
      const f64 = arena.f64;
      gatherLanes(values, nnz, lanes, p0, cw, f64, oV >> 3);
      gatherLanes(rhs, n, lanes, p0, cw, f64, oR >> 3);
      const t1 = now();
      k.sparse_cholesky_solve(n, cp!, ri!, up!, ut!, ua!, ub!, rp!, rs!, cw, oV, oR, oS);
      const t2 = now();
      scatterLanes(f64, oV >> 3, nnz, lanes, p0, cw, values);
      scatterLanes(f64, oR >> 3, n, lanes, p0, cw, rhs);
      status.set(arena.u8.subarray(oS, oS + cw), p0);
      record("sparseCholeskySolve", t0, t1, t2, now());
    }
  }

  function assembleNormalEquations(
    plan: CholeskyPlan,
    scatter: NetworkScatter,
    lanes: number,
    obs: Float64Array,
    weight: Float64Array,
    values: Float64Array,
    rhs: Float64Array,
  ): void {
    if (lanes <= 0) return;
    const { n, nnz } = plan, K = scatter.numObs;
    const [[d1, d2, od, p1, p2]] = arena.resident([
      [scatter, [scatter.diag1, scatter.diag2, scatter.offDiag, scatter.pos1, scatter.pos2]],
    ]) as [number[]];
    const c = laneSlab(lanes, (2 * K + nnz + n) * 8, slab);
    for (let p0 = 0; p0 < lanes; p0 += c) {
      const t0 = now();
      const cw = Math.min(c, lanes - p0);
      arena.beginCall();
      const oY = arena.alloc(K * cw * 8), oW = arena.alloc(K * cw * 8);
      const oV = arena.alloc(nnz * cw * 8), oR = arena.alloc(n * cw * 8);
      const f64 = arena.f64;
      gatherLanes(obs, K, lanes, p0, cw, f64, oY >> 3);
      gatherLanes(weight, K, lanes, p0, cw, f64, oW >> 3);
      const t1 = now();
      k.assemble_normal_equations(nnz, n, K, d1!, d2!, od!, p1!, p2!, cw, oY, oW, oV, oR);
      const t2 = now();
      scatterLanes(f64, oV >> 3, nnz, lanes, p0, cw, values);
      scatterLanes(f64, oR >> 3, n, lanes, p0, cw, rhs);
      record("assembleNormalEquations", t0, t1, t2, now());
    }
  }

  function temporalCoherence(
    numObs: number,
    numDates: number,
    lanes: number,
    date1: Int32Array,
    date2: Int32Array,
    obs: Float64Array,
    use: Float64Array,
    ts: Float64Array,
    out: Float64Array,
  ): void {
    if (lanes <= 0) return;
    const c = laneSlab(lanes, (2 * numObs + numDates + 1) * 8, slab);
    for (let p0 = 0; p0 < lanes; p0 += c) {
      const t0 = now();
      const cw = Math.min(c, lanes - p0);
      arena.beginCall();
      const o1 = arena.alloc(numObs * 4), o2 = arena.alloc(numObs * 4);
      const oY = arena.alloc(numObs * cw * 8), oU = arena.alloc(numObs * cw * 8);
      const oT = arena.alloc(numDates * cw * 8), oO = arena.alloc(cw * 8);
      const f64 = arena.f64, i32 = arena.i32;
      i32.set(date1.subarray(0, numObs), o1 >> 2);
      i32.set(date2.subarray(0, numObs), o2 >> 2);
      gatherLanes(obs, numObs, lanes, p0, cw, f64, oY >> 3);
      gatherLanes(use, numObs, lanes, p0, cw, f64, oU >> 3);
      gatherLanes(ts, numDates, lanes, p0, cw, f64, oT >> 3);
      const t1 = now();
      k.temporal_coherence(numObs, numDates, cw, o1, o2, oY, oU, oT, oO);
      const t2 = now();
      out.set(f64.subarray(oO >> 3, (oO >> 3) + cw), p0);
      record("temporalCoherence", t0, t1, t2, now());
    }
  }

  const referenceObservations: WasmSolver["referenceObservations"] = (
    phase,
    numObs,
    pixels,
    refPhase,
    zeroIsNoData,
    count,
  ) => {
    const oPh = arena.blockOffset(phase);
    if (oPh < 0 || phase.length < numObs * pixels) return false;
    const t0 = now();
    arena.beginCall();
    const oRef = arena.alloc(numObs * 4), oCount = arena.alloc(pixels * 4);
    arena.f32.set(refPhase.subarray(0, numObs), oRef >> 2);
    const t1 = now();
    k.reference_observations(numObs, pixels, oPh, oRef, zeroIsNoData ? 1 : 0, oCount);
    const t2 = now();
    count.set(arena.i32.subarray(oCount >> 2, (oCount >> 2) + pixels));
    record("referenceObservations", t0, t1, t2, now());
    return true;
  };

  return {
    name: "wasm",
    arena,
    referenceObservations,
    scratchBytes: 2 * slab,
    profile,
    blockBuffer: (length) => arena.block(length),
    dgemm: bindDgemm(
      k,
      arena,
      Math.min(slab, gemmSlab),
      profile ? (i, kn, o) => record("dgemm", 0, i, i + kn, i + kn + o) : null,
    ),
    sparseCholeskySolve: (plan, lanes, values, rhs, status) =>
      sparseCholeskySolveRange(plan, lanes, 0, lanes, values, rhs, status),
    sparseCholeskySolveRange,
    assembleNormalEquations,
    temporalCoherence,
    invertNetworkLanes: bindNetworkLanes(
      k,
      arena,
      profile ? (t0, t1, t2, t3) => record("invertNetworkLanes", t0, t1, t2, t3) : null,
    ),
    ...bindReductions(
      k,
      arena,
      slab,
      profile ? (name, i, kn, o) => record(name, 0, i, i + kn, i + kn + o) : null,
    ),
  };
}
