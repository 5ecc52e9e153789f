/**
 * Interferograms of a simulated scene over a row block: unwrapped phase, coherence and
 * connected components of every interferogram, from the phase of each date (deformation +
 * troposphere, radians) and the scene's per-interferogram choices.
 * @module
 */
import { type CoherenceMaps, CRITICAL_BASELINE } from "./coherence.ts";
import { DecorrelationSampler } from "./decorrelation.ts";
import {
  ellipseSpan,
  REGION_DISCONNECTED,
  REGION_MISSING,
  REGION_WATER,
  type UnwrapErrorPatch,
} from "./regions.ts";
import { Rng, streamKey } from "./rng.ts";
import type { SimulatedScene } from "./scene.ts";

const STREAM_DECOR = 0x6463;
const TWO_PI = 2 * Math.PI;

/** One row block of the stack's three (K, rows, width) datasets, C order. */
export interface IfgramRows {
  /** Unwrapped phase, rad; 0 = no data. */
  unwrapPhase: Float32Array;
  /** Spatial coherence, 0..1. */
  coherence: Float32Array;
  /** Connected component: 0 no data, 1 main, 2 a component unwrapped with an error. */
  connectComponent: Int16Array;
}

/** The date phases a block reads: phase of date n, block pixel p at `data[offset + n * stride + p]`. */
export interface DatePhases {
  data: Float32Array;
  offset: number;
  stride: number;
}

/**
 * Simulates the interferograms of a scene block by block. Random draws come from one
 * stream per (interferogram, row), so results do not depend on the block size.
 *
 * @example
 * ```ts
 * import { createScene } from "./scene.ts";
 * const scene = createScene({ length: 20, width: 30, numDates: 8 });
 * const sim = new IfgramSimulator(scene);
 * const phases = datePhaseRows(scene, 0, 20, null); // no troposphere
 * const rows = sim.simulateRows(0, 20, { data: phases, offset: 0, stride: 600 });
 * ```
 */
export class IfgramSimulator {
  readonly scene: SimulatedScene;
  readonly #sampler: DecorrelationSampler | null;
  readonly #patches: Map<number, UnwrapErrorPatch[]>;
  /** Distinct temporal baselines (days) of the interferograms. */
  readonly #spans: number[];

  constructor(scene: SimulatedScene) {
    this.scene = scene;
    this.#sampler = scene.options.decorrelation ? new DecorrelationSampler(scene.looks) : null;
    this.#patches = new Map();
    for (const p of scene.unwrapErrors) {
      const list = this.#patches.get(p.ifgram) ?? [];
      list.push(p);
      this.#patches.set(p.ifgram, list);
    }
    this.#spans = [...new Set(scene.pairs.map((p) => scene.days[p.sec]! - scene.days[p.ref]!))];
  }

  /**
   * Bytes per pixel a block needs: the three outputs of every interferogram, one coherence
   * map per distinct temporal baseline, and the per-pixel maps.
   */
  get bytesPerPixel(): number {
    return this.scene.pairs.length * 10 + this.#spans.length * 4 + 16;
  }

  /**
   * Simulate rows `row0..row1` of every interferogram into `out` (allocated when omitted,
   * each array K * rows * width).
   */
  simulateRows(row0: number, row1: number, phases: DatePhases, out?: IfgramRows): IfgramRows {
    const s = this.scene, W = s.width, P = (row1 - row0) * W, K = s.pairs.length;
    const o = out ?? {
      unwrapPhase: new Float32Array(K * P),
      coherence: new Float32Array(K * P),
      connectComponent: new Int16Array(K * P),
    };
    const flags = new Uint8Array(P);
    s.regions.fillRows(row0, row1, flags);
    const maps: CoherenceMaps = {
      short: new Float32Array(P),
      floor: new Float32Array(P),
      invTau: new Float32Array(P),
    };
    s.coherence.fillRows(row0, row1, flags, maps);
    // Coherence before the per-interferogram factors depends only on the temporal baseline:
    // one map per distinct baseline saves an exp per pixel and interferogram.
    const byspan = new Map<number, Float32Array>();
    for (const dt of this.#spans) {
      const m = new Float32Array(P);
      for (let p = 0; p < P; p++) {
        const g0 = maps.short[p]!, gi = maps.floor[p]!;
        m[p] = gi + (g0 - gi) * Math.exp(-dt * maps.invTau[p]!);
      }
      byspan.set(dt, m);
    }
    const sampler = this.#sampler;
    const noisyCoherence = sampler !== null;
    // Spread of the coherence estimate: about (1 - g^2) / sqrt(2 L), uniform with that std.
    const estScale = (0.5 * Math.sqrt(12)) / Math.sqrt(2 * s.looks);
    const data = phases.data;
    const rng = new Rng(0);
    for (let k = 0; k < K; k++) {
      const { ref, sec } = s.pairs[k]!;
      const fk = s.ifgramQuality[k]! *
        Math.max(0, 1 - Math.abs(s.bperpIfgram[k]!) / CRITICAL_BASELINE);
      const coh = byspan.get(s.days[sec]! - s.days[ref]!)!;
      const offset = TWO_PI * s.cycleOffset[k]!;
      let zeroFlags = 0;
      if (s.missingIfgram[k]) zeroFlags |= REGION_MISSING;
      if (ref < s.gapIndex && s.gapIndex <= sec) zeroFlags |= REGION_DISCONNECTED;
      const refOff = phases.offset + ref * phases.stride;
      const secOff = phases.offset + sec * phases.stride;
      const base = k * P;
      const up = o.unwrapPhase, co = o.coherence, cc = o.connectComponent;
      for (let y = row0, p = 0; y < row1; y++) {
        rng.reseed(streamKey(s.seed, STREAM_DECOR, k, y));
        for (let x = 0; x < W; x++, p++) {
          const f = flags[p]!, q = base + p;
          if (f & REGION_WATER) {
            up[q] = 0;
            co[q] = 0.05 + 0.15 * rng.next();
            cc[q] = 0;
            continue;
          }
          const g = fk * coh[p]!;
          let phase = data[secOff + p]! - data[refOff + p]! + offset;
          let gEst = g;
          if (noisyCoherence) {
            phase += sampler.sample(g, rng.nextU32());
            gEst = g + (rng.next() - 0.5) * estScale * (1 - g * g);
            gEst = gEst < 0.02 ? 0.02 : gEst > 0.995 ? 0.995 : gEst;
          }
          co[q] = gEst;
          if (f & zeroFlags) {
            up[q] = 0;
            cc[q] = 0;
          } else {
            up[q] = phase;
            cc[q] = 1;
          }
        }
      }
      for (const e of this.#patches.get(k) ?? []) {
        const add = TWO_PI * e.cycles;
        for (let y = Math.max(row0, Math.floor(e.patch.cy - e.patch.ry)); y < row1; y++) {
          if (y > e.patch.cy + e.patch.ry) break;
          const [x0, x1] = ellipseSpan(e.patch, y, W);
          for (let x = x0, q = base + (y - row0) * W + x0; x < x1; x++, q++) {
            if (cc[q] === 1) {
              up[q] = up[q]! + add;
              cc[q] = 2;
            }
          }
        }
      }
    }
    return o;
  }
}

/**
 * Phase (rad) of every date over rows `row0..row1` without troposphere, or with it when
 * `tropo(n)` gives date n's delay screen (m) for those rows: `-4 pi / lambda * (d + tropo)`.
 * Returns `N x rows x width`.
 */
export function datePhaseRows(
  scene: SimulatedScene,
  row0: number,
  row1: number,
  tropo: ((n: number) => Float32Array) | null,
): Float32Array {
  const coef = scene.deformation.coefficientsRows(row0, row1);
  const N = scene.dates.length, P = (row1 - row0) * scene.width;
  const out = scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, 0, N);
  const toPhase = (-4 * Math.PI) / scene.options.wavelength;
  for (let n = 0; n < N; n++) {
    const t = tropo?.(n);
    for (let p = 0, i = n * P; p < P; p++, i++) out[i] = toPhase * (out[i]! + (t ? t[p]! : 0));
  }
  return out;
}
