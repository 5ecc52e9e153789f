/**
 * Binding of `invert_network_lanes` (see `Solver.invertNetworkLanes`): the float32 rows the
 * lanes need are read in place when the block lives in the module's block region, else
 * copied as float32 (the span of pixels of up to 256 lanes, one contiguous piece per
 * interferogram; no float64 gather), and the kernel gathers, assembles, factorizes, solves
 * and sums the temporal coherence tile by tile.
 * @module
 */
import type { NetworkLanes } from "@vinsar/core";
import type { KernelExports } from "./kernel_exports.ts";
import { choleskyPlanArrays, scatterLanes, type WasmArena } from "./wasm_memory.ts";

/** Lanes per kernel call (the copied span of the block stays a few MB). */
const SLAB_LANES = 256;
/** Copy whole rows of the span only when it is at most this many times the lanes. */
const MAX_SPAN_RATIO = 4;

/** Records one call's copy-in, kernel and copy-out times (profile), or null. */
export type Recorder = ((t0: number, t1: number, t2: number, t3: number) => void) | null;

/** The kernel on `k`'s memory. */
export function bindNetworkLanes(
  k: KernelExports,
  arena: WasmArena,
  record: Recorder,
): (job: NetworkLanes) => void {
  const now = record ? () => performance.now() : () => 0;
  return (job) => {
    const { plan, scatter, lanes: L } = job;
    if (L <= 0) return;
    const K = scatter.numObs, N = job.numDates, { n, nnz } = plan;
    const table = job.weightTable;
    const [[cp, ri, up, ut, ua, ub, rp, rs], [d1, d2, od, p1, p2], [dp, a1, a2], [tb]] = arena
      .resident([
        [plan, choleskyPlanArrays(plan)],
        [scatter, [scatter.diag1, scatter.diag2, scatter.offDiag, scatter.pos1, scatter.pos2]],
        [job.datePosition, [job.datePosition, job.date1, job.date2]],
        // The table's doubles as int32 pairs: resident bytes are bytes.
        [table ?? job.datePosition, [
          table
            ? new Int32Array(table.buffer, table.byteOffset, table.length * 2)
            : new Int32Array(0),
        ]],
      ]) as [number[], number[], number[], number[]];
    const inPlace = arena.blockOffset(job.phase) >= 0 &&
      (!job.weightSource || arena.blockOffset(job.weightSource) >= 0);
    let g0 = 0;
    for (let p0 = 0; p0 < L; p0 += SLAB_LANES) {
      const t0 = now();
      const cw = Math.min(SLAB_LANES, L - p0);
      arena.beginCall();
      const oPix = arena.alloc(cw * 4);
      let oPh: number, oSrc = 0, stride: number;
      if (inPlace) {
        oPh = arena.blockOffset(job.phase);
        if (job.weightSource) oSrc = arena.blockOffset(job.weightSource);
        stride = job.stride;
        arena.i32.set(job.pixel.subarray(p0, p0 + cw), oPix >> 2);
      } else {
        ({ oPh, oSrc, stride } = copyRows(arena, job, p0, cw, oPix));
      }
      // This slab's groundings, lanes rebased.
      let g1 = g0;
      while (g1 < job.numGround && job.ground[2 * g1]! < p0 + cw) g1++;
      const oG = arena.alloc(Math.max(1, g1 - g0) * 8);
      const i32 = arena.i32;
      for (let g = g0; g < g1; g++) {
        i32[(oG >> 2) + 2 * (g - g0)] = job.ground[2 * g]! - p0;
        i32[(oG >> 2) + 2 * (g - g0) + 1] = job.ground[2 * g + 1]!;
      }
      // Tile scratch (8 lanes): L, right-hand side, obs, use, phases, weight, weighted
      // obs; then the unknowns' incidence lists (int32).
      const oS = arena.alloc(
        (nnz * 8 + Math.max(1, n) * 8 + 4 * K * 8 + N * 8) * 8 + (n + 1 + 2 * K) * 4,
      );
      const oP = arena.alloc(N * cw * 8), oQ = arena.alloc(cw * 8), oSt = arena.alloc(cw);
      const t1 = now();
      k.invert_network_lanes(
        nnz,
        n,
        K,
        N,
        cp!,
        ri!,
        up!,
        ut!,
        ua!,
        ub!,
        rp!,
        rs!,
        d1!,
        d2!,
        od!,
        p1!,
        p2!,
        a1!,
        a2!,
        dp!,
        cw,
        oPh,
        job.weightSource ? oSrc : 0,
        stride,
        oPix,
        table ? tb! : 0,
        job.weightMin,
        job.weightLo,
        job.weightHi,
        job.weightStep,
        oG,
        g1 - g0,
        oS,
        oP,
        oQ,
        oSt,
      );
      const t2 = now();
      const f64 = arena.f64;
      scatterLanes(f64, oP >> 3, N, L, p0, cw, job.phases);
      job.quality.set(f64.subarray(oQ >> 3, (oQ >> 3) + cw), p0);
      job.status.set(arena.u8.subarray(oSt, oSt + cw), p0);
      record?.(t0, t1, t2, now());
      g0 = g1;
    }
  };
}

/**
 * Copy the float32 values lanes `p0 .. p0 + cw - 1` read into the scratch: the rows of
 * their pixel span when it is compact, else each lane's own column; writes the rebased
 * pixel of each lane at `oPix`.
 */
function copyRows(
  arena: WasmArena,
  job: NetworkLanes,
  p0: number,
  cw: number,
  oPix: number,
): { oPh: number; oSrc: number; stride: number } {
  const K = job.scatter.numObs, P = job.stride, pixel = job.pixel;
  let lo = Infinity, hi = -Infinity;
  for (let l = p0; l < p0 + cw; l++) {
    lo = Math.min(lo, pixel[l]!);
    hi = Math.max(hi, pixel[l]!);
  }
  const span = hi - lo + 1, compact = span <= MAX_SPAN_RATIO * cw;
  const stride = compact ? span : cw;
  const oPh = arena.alloc(K * stride * 4);
  const oSrc = job.weightSource ? arena.alloc(K * stride * 4) : 0;
  const f32 = arena.f32, i32 = arena.i32;
  const arrays: Array<[Float32Array, number]> = [[job.phase, oPh]];
  if (job.weightSource) arrays.push([job.weightSource, oSrc]);
  if (compact) {
    for (let l = 0; l < cw; l++) i32[(oPix >> 2) + l] = pixel[p0 + l]! - lo;
    for (const [a, o] of arrays) {
      for (let k = 0; k < K; k++) {
        f32.set(a.subarray(k * P + lo, k * P + lo + span), (o >> 2) + k * span);
      }
    }
  } else {
    for (let l = 0; l < cw; l++) i32[(oPix >> 2) + l] = l;
    for (const [a, o] of arrays) {
      for (let k = 0; k < K; k++) {
        const dst = (o >> 2) + k * cw, src = k * P;
        for (let l = 0; l < cw; l++) f32[dst + l] = a[src + pixel[p0 + l]!]!;
      }
    }
  }
  return { oPh, oSrc, stride };
}
