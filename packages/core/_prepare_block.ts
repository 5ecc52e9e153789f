/**
 * The first pass of the network inversion over a block: MintPy's referencing, masking and
 * no-data rules applied to the observations in place, and each pixel's count of valid
 * observations.
 * @module
 */
import type { InversionBlock, InversionSettings } from "./invert_types.ts";

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
): Int32Array {
  const K = numObs, P = block.pixels, phase = block.phase;
  count.fill(0, 0, P);
  const thres = Math.fround(s.maskThreshold);
  const m = s.maskDataset ? block.maskData! : null;
  const byComponent = s.maskDataset === "connectComponent";
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
  const list: number[] = [];
  for (let p = 0; p < P; p++) {
    if (count[p]! > 0 && (!block.pixelMask || block.pixelMask[p])) list.push(p);
  }
  return Int32Array.from(list);
}
