/**
 * The first pass of the network inversion over a block: MintPy's referencing, masking and
 * no-data rules applied to the observations in place, and each pixel's count of valid
 * observations.
 * @module
 */
import type { InversionBlock, InversionSettings } from "./invert_types.ts";
import type { Solver } from "./solver.ts";

/**
 * Reference, mask and convert no-data observations to NaN, in place.
 * @param numObs Observations K of the network.
 * @param count Output, at least P: valid observations of each pixel.
 * @returns the pixels to invert (unmasked, at least one valid observation).
 */
export function prepareInversionBlock(
  block: InversionBlock,
  s: InversionSettings,
  numObs: number,
  count: Int32Array,
  solver?: Pick<Solver, "referenceObservations">,
): Int32Array {
  const K = numObs, P = block.pixels, phase = block.phase;
  count.fill(0, 0, P);
  const thres = Math.fround(s.maskThreshold);
  const m = s.maskDataset ? block.maskData! : null;
  const byComponent = s.maskDataset === "connectComponent";
  if (!m) {
    // No mask dataset (the usual case): the backend's kernel on the block in place, or the
    // same rules in a loop with no other branch.
    const zeroIsNoData = s.zeroIsNoData;
    if (solver?.referenceObservations?.(phase, K, P, block.refPhase, zeroIsNoData, count)) {
      return pixelList(block, P, count);
    }
    for (let k = 0; k < K; k++) {
      const ref = block.refPhase[k]!, o = k * P;
      for (let p = 0; p < P; p++) {
        const v = phase[o + p]!;
        let r = v !== 0 ? Math.fround(v - ref) : 0;
        if (r === 0 && zeroIsNoData) r = NaN;
        phase[o + p] = r;
        count[p] += r === r ? 1 : 0;
      }
    }
    return pixelList(block, P, count);
  }
  for (let k = 0; k < K; k++) {
    const ref = block.refPhase[k]!, o = k * P;
    for (let p = 0; p < P; p++) {
      let v = phase[o + p]!;
      // MintPy references non-zero values only, then treats zero as no data.
      if (v !== 0) v = Math.fround(v - ref);
      if (v === 0 && s.zeroIsNoData) v = NaN;
      if (m) {
        const mv = m[o + p]! === m[o + p]! ? m[o + p]! : 0;
        if (byComponent ? mv === 0 : !(mv >= thres)) v = NaN;
      }
      phase[o + p] = v;
      if (v === v) count[p]++;
    }
  }
  return pixelList(block, P, count);
}

/** The pixels with a valid observation that no pixel mask skips. */
function pixelList(block: InversionBlock, P: number, count: Int32Array): Int32Array {
  const list = new Int32Array(P), mask = block.pixelMask;
  let n = 0;
  for (let p = 0; p < P; p++) {
    if (count[p]! > 0 && (!mask || mask[p])) list[n++] = p;
  }
  return list.slice(0, n);
}
