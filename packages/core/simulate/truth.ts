/**
 * What a simulated scene really contains, per pixel, for measuring an inversion's error:
 * the time-function parameters of the deformation (named like MintPy's velocity.h5) and
 * masks of the special areas.
 * @module
 */
import {
  ellipseSpan,
  REGION_DISCONNECTED,
  REGION_LOW_COH,
  REGION_MISSING,
  REGION_WATER,
} from "./regions.ts";
import type { SimulatedScene } from "./scene.ts";

/** Per-pixel truth of a row block (each rows * width, C order). */
export interface TruthMaps {
  /** Linear rate, m/year (relative to the reference pixel). */
  velocity: Float32Array;
  /** Eruption step, m (`step<YYYYMMDD>` in MintPy's naming). */
  step: Float32Array;
  /** Amplitude of the annual cycle, m. */
  annualAmplitude: Float32Array;
  /** Phase of the annual cycle, rad: MintPy's `atan2(cos coef, sin coef)`. */
  annualPhase: Float32Array;
  /** MintPy's waterMask convention: 1 = land (valid), 0 = water. */
  waterMask: Uint8Array;
  /** 1 in the patch missing from some interferograms. */
  missingPatch: Uint8Array;
  /** 1 in the patch whose network is disconnected. */
  disconnectedPatch: Uint8Array;
  /** 1 in the vegetated low-coherence areas. */
  lowCoherence: Uint8Array;
  /** Number of interferograms with an unwrapping error at the pixel. */
  unwrapErrorCount: Int16Array;
}

/** Names of the truth maps, in the order they are written. */
export const TRUTH_MAP_NAMES = [
  "velocity",
  "step",
  "annualAmplitude",
  "annualPhase",
  "waterMask",
  "missingPatch",
  "disconnectedPatch",
  "lowCoherence",
  "unwrapErrorCount",
] as const;

/** Truth maps of rows `row0..row1`. */
export function truthMapsRows(scene: SimulatedScene, row0: number, row1: number): TruthMaps {
  const W = scene.width, P = (row1 - row0) * W;
  const coef = scene.deformation.coefficientsRows(row0, row1);
  const flags = new Uint8Array(P);
  scene.regions.fillRows(row0, row1, flags);
  const t: TruthMaps = {
    velocity: coef.velocity,
    step: coef.step,
    annualAmplitude: new Float32Array(P),
    annualPhase: new Float32Array(P),
    waterMask: new Uint8Array(P),
    missingPatch: new Uint8Array(P),
    disconnectedPatch: new Uint8Array(P),
    lowCoherence: new Uint8Array(P),
    unwrapErrorCount: new Int16Array(P),
  };
  for (let p = 0; p < P; p++) {
    const s = coef.sin[p]!, c = coef.cos[p]!;
    t.annualAmplitude[p] = Math.hypot(c, s);
    t.annualPhase[p] = Math.atan2(c, s);
    const f = flags[p]!;
    t.waterMask[p] = f & REGION_WATER ? 0 : 1;
    t.missingPatch[p] = f & REGION_MISSING ? 1 : 0;
    t.disconnectedPatch[p] = f & REGION_DISCONNECTED ? 1 : 0;
    t.lowCoherence[p] = f & REGION_LOW_COH ? 1 : 0;
  }
  for (const e of scene.unwrapErrors) {
    for (let y = Math.max(row0, Math.floor(e.patch.cy - e.patch.ry)); y < row1; y++) {
      if (y > e.patch.cy + e.patch.ry) break;
      const [x0, x1] = ellipseSpan(e.patch, y, W);
      for (let x = x0, p = (y - row0) * W + x0; x < x1; x++, p++) {
        if (t.waterMask[p]) t.unwrapErrorCount[p]++;
      }
    }
  }
  return t;
}
