/**
 * The bindings of the wasm reduction and streaming kernels (per-pixel squared norms, deramp
 * row sums, masked sums of squares, the fused series fit, the fused ramp removal): copy the
 * inputs into the module's memory, run the C kernel, copy the outputs back. Calls are cut into
 * slabs of about `slabBytes` of data (at most {@link CACHE_SLAB_BYTES} for the streaming
 * kernels): columns (pixels) for the squared norms and the series fit, rows for the row sums
 * and the ramp removal, rows and, for rows longer than a slab, pieces of rows for the sums of
 * squares.
 * @module
 */
import type { SeriesFit, Solver } from "@vinsar/core";
import { copyBlock, type WasmArena } from "./wasm_memory.ts";
import type { KernelExports } from "./kernel_exports.ts";

/**
 * Data of one call of the streaming kernels (series fit, ramp row sums, ramp removal): a
 * slab copied in stays in the core's L2 cache while the kernel reads it and it is copied
 * out; 8 MB slabs made every copy go through main memory (measured: copies 2.5x slower).
 */
const CACHE_SLAB_BYTES = 512 * 1024;

/** Records the time split of one call of kernel `name` (copy in, kernel, copy out), ms. */
export type RecordKernel = (name: string, copyIn: number, kernel: number, copyOut: number) => void;

/** The bound reduction kernels of {@link Solver}. */
export type ReductionKernels = Pick<
  Solver,
  | "groupedSquaredNorms"
  | "rampRowSums"
  | "maskedSquareSums"
  | "fitSeriesFloat32"
  | "removeRampRows"
>;

/** Bind the reduction kernels of `k` to their {@link Solver} signatures. */
export function bindReductions(
  k: KernelExports,
  arena: WasmArena,
  slabBytes: number,
  record: RecordKernel | null,
): ReductionKernels {
  const now = record ? () => performance.now() : () => 0;

  function groupedSquaredNorms(
    groups: number,
    groupRows: number,
    width: number,
    a: Float64Array,
    lda: number,
    out: Float64Array,
    ldOut: number,
    sqrt: boolean,
  ): void {
    if (groups <= 0 || width <= 0) return;
    const rowsA = groups * groupRows;
    const perCol = (rowsA + groups) * 8;
    const w = width * perCol <= slabBytes
      ? width
      : Math.max(2, Math.floor(slabBytes / perCol / 2) * 2);
    for (let j0 = 0; j0 < width; j0 += w) {
      const t0 = now();
      const cw = Math.min(w, width - j0);
      arena.beginCall();
      const oA = arena.alloc(rowsA * cw * 8), oO = arena.alloc(groups * cw * 8);
      const f64 = arena.f64;
      copyBlock(a, j0, lda, rowsA, cw, f64, oA >> 3, cw);
      const t1 = now();
      k.grouped_squared_norms(groups, groupRows, cw, oA, cw, oO, cw, +sqrt);
      const t2 = now();
      copyBlock(f64, oO >> 3, cw, groups, cw, out, j0, ldOut);
      record?.("groupedSquaredNorms", t1 - t0, t2 - t1, now() - t2);
    }
  }

  function rampRowSums(
    rows: number,
    width: number,
    data: Float32Array,
    mask: Uint8Array | null,
    maskRows: number,
    sumBasis: Float64Array,
    numSum: number,
    badBasis: Float64Array,
    numBad: number,
    sums: Float64Array,
    bad: Float64Array,
    badCount: Int32Array,
  ): void {
    if (rows <= 0 || width <= 0) return;
    // Rows in this module's memory (Solver.blockBuffer) are read where they are.
    const dataAt = arena.blockOffset(data);
    const fixed = (numSum + numBad + 2) * width * 8;
    const perRow = (dataAt < 0 ? width * 4 : 0) + (numSum + numBad) * 8 + 4 + (mask ? width : 0);
    const slab = Math.min(slabBytes, CACHE_SLAB_BYTES + fixed);
    const r = Math.max(1, Math.floor((slab - fixed) / perRow));
    for (let i0 = 0; i0 < rows; i0 += r) {
      const t0 = now();
      const ns = Math.min(r, rows - i0);
      arena.beginCall();
      const oSB = arena.alloc(numSum * width * 8), oBB = arena.alloc(numBad * width * 8);
      const oV = arena.alloc(2 * width * 8);
      const oD = dataAt < 0 ? arena.alloc(ns * width * 4) : dataAt + 4 * i0 * width;
      const oSu = arena.alloc(ns * numSum * 8), oBa = arena.alloc(ns * numBad * 8);
      const oC = arena.alloc(ns * 4);
      // The mask rows of this slab: the rows it covers when they do not wrap around, else all.
      let oM = 0, mRows = maskRows, mRow0 = 0;
      if (mask) {
        const r0 = i0 % maskRows;
        const part = ns < maskRows && r0 + ns <= maskRows;
        const m = part ? mask.subarray(r0 * width, (r0 + ns) * width) : mask.subarray(
          0,
          maskRows * width,
        );
        oM = arena.alloc(m.length);
        arena.u8.set(m, oM);
        if (part) mRows = ns;
        else mRow0 = r0;
      }
      const f64 = arena.f64;
      f64.set(sumBasis.subarray(0, numSum * width), oSB >> 3);
      f64.set(badBasis.subarray(0, numBad * width), oBB >> 3);
      if (dataAt < 0) arena.f32.set(data.subarray(i0 * width, (i0 + ns) * width), oD >> 2);
      const t1 = now();
      k.ramp_row_sums(
        ns,
        width,
        oD,
        oM,
        mRows,
        oSB,
        numSum,
        oBB,
        numBad,
        oSu,
        oBa,
        oC,
        mRow0,
        oV,
      );
      const t2 = now();
      sums.set(f64.subarray(oSu >> 3, (oSu >> 3) + ns * numSum), i0 * numSum);
      bad.set(f64.subarray(oBa >> 3, (oBa >> 3) + ns * numBad), i0 * numBad);
      badCount.set(arena.i32.subarray(oC >> 2, (oC >> 2) + ns), i0);
      record?.("rampRowSums", t1 - t0, t2 - t1, now() - t2);
    }
  }

  function maskedSquareSums(
    rows: number,
    width: number,
    data: Float32Array,
    mask: Uint8Array | null,
    sumSq: Float64Array,
    count: Float64Array,
  ): void {
    if (rows <= 0 || width <= 0) return;
    // Pieces of rows when one row alone exceeds the slab (4 bytes of data, 5 of mask).
    const cw = Math.min(width, Math.max(4, Math.floor(slabBytes / 9 / 4) * 4));
    // Whole rows in this module's memory (Solver.blockBuffer) are read where they are.
    const dataAt = cw === width ? arena.blockOffset(data) : -1;
    for (let c0 = 0; c0 < width; c0 += cw) {
      const w = Math.min(cw, width - c0);
      const r = Math.max(1, Math.floor((slabBytes - 5 * w) / (w * 4 + 16)));
      for (let i0 = 0; i0 < rows; i0 += r) {
        const t0 = now();
        const ns = Math.min(r, rows - i0);
        arena.beginCall();
        const oM = mask ? arena.alloc(w) : 0, oL = mask ? arena.alloc(4 * w) : 0;
        const oD = dataAt < 0 ? arena.alloc(ns * w * 4) : dataAt + 4 * i0 * width;
        const oS = arena.alloc(ns * 8), oN = arena.alloc(ns * 8);
        if (mask) arena.u8.set(mask.subarray(c0, c0 + w), oM);
        const f32 = arena.f32;
        if (dataAt < 0 && w === width) {
          f32.set(data.subarray(i0 * width, (i0 + ns) * width), oD >> 2);
        } else if (dataAt < 0) {
          for (let i = 0; i < ns; i++) {
            const s = (i0 + i) * width + c0;
            f32.set(data.subarray(s, s + w), (oD >> 2) + i * w);
          }
        }
        const f64 = arena.f64;
        f64.fill(0, oS >> 3, (oS >> 3) + ns);
        f64.fill(0, oN >> 3, (oN >> 3) + ns);
        const t1 = now();
        k.masked_square_sums(ns, w, oD, oM, oS, oN, oL);
        const t2 = now();
        for (let i = 0; i < ns; i++) {
          sumSq[i0 + i] += f64[(oS >> 3) + i]!;
          count[i0 + i] += f64[(oN >> 3) + i]!;
        }
        record?.("maskedSquareSums", t1 - t0, t2 - t1, now() - t2);
      }
    }
  }

  function fitSeriesFloat32(f: SeriesFit): number {
    const { n, p, lanes, data, rowOffset, refOffset, shift, scale, pinv, design } = f;
    const { params, ldParams, sums, e2, stdScale, std, residual, residualOffset } = f;
    const { special, specialNaN, specialSum } = f;
    if (lanes <= 0) return 0;
    const hasRef = refOffset >= 0;
    // The residual goes over the data when it lands where each date was read from; else it
    // has its own rows, gathered too, since the kernel leaves some pixels as they are.
    const inPlace = residual === data && residualOffset!.every((o, k) => o === rowOffset[k]);
    const ownResidual = residual !== null && !inPlace;
    // A block in this module's memory (Solver.blockBuffer) is read, and its residual written,
    // where it is: no slab is gathered.
    const dataAt = ownResidual ? -1 : arena.blockOffset(data);
    const gather = dataAt < 0;
    // Per pixel: its dates (and reference) in float32 when gathered; parameters, std, sum,
    // e2, special.
    const perLane = (gather ? (n * (ownResidual ? 2 : 1) + (hasRef ? 1 : 0)) * 4 : 0) +
      (2 * p + 3) * 8 + 8;
    const fixed = (n + 2 * n * p + p + 4 * (n + p)) * 8 + 8 * n;
    // Slabs of a few hundred pixels: the kernel walks each pixel's dates down the rows, so
    // gathered rows should stay in the L2 cache (and within its TLB reach) while it does.
    const slab = Math.min(slabBytes, CACHE_SLAB_BYTES + fixed);
    const cw = lanes * perLane + fixed <= slab
      ? lanes
      : Math.max(4, Math.floor((slab - fixed) / perLane / 4) * 4);
    let numSpecial = 0;
    for (let l0 = 0; l0 < lanes; l0 += cw) {
      const t0 = now();
      const w = Math.min(cw, lanes - l0);
      arena.beginCall();
      // Row offsets of the dates, from oD; the residual's rows lie at the same offsets from oRes.
      const oOff = arena.alloc(n * 4);
      const oD = gather ? arena.alloc(n * w * 4) : dataAt + 4 * l0;
      const oR = !hasRef ? 0 : gather ? arena.alloc(w * 4) : dataAt + 4 * (refOffset + l0);
      const oSh = arena.alloc(n * 8), oPi = arena.alloc(n * p * 8), oG = arena.alloc(n * p * 8);
      const oP = arena.alloc(p * w * 8), oSu = arena.alloc(w * 8), oE = arena.alloc(w * 8);
      const oF = stdScale ? arena.alloc(p * 8) : 0, oStd = stdScale ? arena.alloc(p * w * 8) : 0;
      const oSp = arena.alloc(w * 4), oS = arena.alloc(4 * (n + p) * 8);
      const oSpN = arena.alloc(w * 4), oSpS = arena.alloc(w * 8);
      const oRes = ownResidual ? arena.alloc(n * w * 4) : oD;
      const f32 = arena.f32, f64 = arena.f64, i32 = arena.i32;
      if (gather) {
        for (let k = 0; k < n; k++) {
          const s = rowOffset[k]! + l0;
          f32.set(data.subarray(s, s + w), (oD >> 2) + k * w);
          i32[(oOff >> 2) + k] = k * w;
        }
        for (let k = 0; k < n && ownResidual; k++) {
          const s = residualOffset![k]! + l0;
          f32.set(residual!.subarray(s, s + w), (oRes >> 2) + k * w);
        }
        if (hasRef) f32.set(data.subarray(refOffset + l0, refOffset + l0 + w), oR >> 2);
      } else {
        i32.set(rowOffset.subarray(0, n), oOff >> 2);
      }
      f64.set(shift.subarray(0, n), oSh >> 3);
      f64.set(pinv.subarray(0, p * n), oPi >> 3);
      f64.set(design.subarray(0, n * p), oG >> 3);
      if (stdScale) f64.set(stdScale.subarray(0, p), oF >> 3);
      const t1 = now();
      const count = k.fit_series_f32(
        n,
        p,
        w,
        oD,
        oOff,
        oR,
        oSh,
        scale,
        oPi,
        oG,
        oP,
        oSu,
        oE,
        residual ? oRes : 0,
        oF,
        oStd,
        oSp,
        oSpN,
        oSpS,
        oS,
      );
      const t2 = now();
      copyBlock(f64, oP >> 3, w, p, w, params, l0, ldParams);
      if (stdScale) copyBlock(f64, oStd >> 3, w, p, w, std!, l0, ldParams);
      sums.set(f64.subarray(oSu >> 3, (oSu >> 3) + w), l0);
      e2.set(f64.subarray(oE >> 3, (oE >> 3) + w), l0);
      for (let i = 0; i < count; i++) {
        specialNaN[numSpecial] = i32[(oSpN >> 2) + i]!;
        specialSum[numSpecial] = f64[(oSpS >> 3) + i]!;
        special[numSpecial++] = l0 + i32[(oSp >> 2) + i]!;
      }
      if (residual && gather) {
        for (let k = 0; k < n; k++) {
          const s = (oRes >> 2) + k * w;
          residual.set(f32.subarray(s, s + w), residualOffset![k]! + l0);
        }
      }
      record?.("fitSeriesFloat32", t1 - t0, t2 - t1, now() - t2);
    }
    return numSpecial;
  }

  function removeRampRows(
    rows: number,
    width: number,
    data: Float32Array,
    coeffs: Float64Array,
    u: Float64Array,
    mask: Uint8Array | null,
    maskRows: number,
    maskRow0: number,
    sumSq: Float64Array,
    count: Float64Array,
  ): void {
    if (rows <= 0 || width <= 0) return;
    // Rows in this module's memory (Solver.blockBuffer) are deramped where they are.
    const dataAt = arena.blockOffset(data);
    // Per row: the data in and out, its coefficients and sums, its mask row.
    const perRow = (dataAt < 0 ? width * 4 : 0) + 40 + (mask ? width : 0);
    const slab = Math.min(slabBytes, CACHE_SLAB_BYTES + width * 8);
    const r = Math.max(1, Math.floor((slab - width * 8) / perRow));
    for (let i0 = 0; i0 < rows; i0 += r) {
      const t0 = now();
      const ns = Math.min(r, rows - i0);
      arena.beginCall();
      const oU = arena.alloc(width * 8);
      const oD = dataAt < 0 ? arena.alloc(ns * width * 4) : dataAt + 4 * i0 * width;
      const oC = arena.alloc(ns * 24), oS = arena.alloc(ns * 8), oN = arena.alloc(ns * 8);
      // The mask rows of this slab: the rows it covers when they do not wrap around, else all.
      let oM = 0, mRows = maskRows, mRow0 = (maskRow0 + i0) % maskRows;
      if (mask) {
        const part = ns <= maskRows && mRow0 + ns <= maskRows;
        const m = part
          ? mask.subarray(mRow0 * width, (mRow0 + ns) * width)
          : mask.subarray(0, maskRows * width);
        oM = arena.alloc(m.length);
        arena.u8.set(m, oM);
        if (part) {
          mRows = ns;
          mRow0 = 0;
        }
      }
      const f64 = arena.f64, f32 = arena.f32;
      f64.set(u.subarray(0, width), oU >> 3);
      f64.set(coeffs.subarray(3 * i0, 3 * (i0 + ns)), oC >> 3);
      const slab = data.subarray(i0 * width, (i0 + ns) * width);
      if (dataAt < 0) f32.set(slab, oD >> 2);
      const t1 = now();
      k.remove_ramp_rows(ns, width, oD, oC, oU, oM, mRows, mRow0, oS, oN);
      const t2 = now();
      if (dataAt < 0) slab.set(f32.subarray(oD >> 2, (oD >> 2) + ns * width));
      sumSq.set(f64.subarray(oS >> 3, (oS >> 3) + ns), i0);
      count.set(f64.subarray(oN >> 3, (oN >> 3) + ns), i0);
      record?.("removeRampRows", t1 - t0, t2 - t1, now() - t2);
    }
  }

  return {
    groupedSquaredNorms,
    rampRowSums,
    maskedSquareSums,
    fitSeriesFloat32,
    removeRampRows,
  };
}
