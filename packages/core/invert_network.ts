/**
 * MintPy's network inversion (`ifgram_inversion.py`) of one block of pixels, batched:
 * observations are referenced and masked, pixels with no data are skipped, and every pixel
 * whose valid network is connected is solved by the weighted normal equations with one
 * sparse Cholesky plan shared by all pixels, vectorized across pixel lanes. Only pixels
 * whose valid network is disconnected take the dense minimum-norm SVD path, which gives
 * MintPy's answer exactly; for connected networks both give the unique least-squares
 * solution.
 * @module
 */
import { DenseNetworkSolver } from "./invert_dense.ts";
import {
  type InversionQuality,
  residualNorm,
  unweightedResidualUndefined,
} from "./inversion_residual.ts";
import { type NetworkSystem, planNetworkSystem } from "./invert_system.ts";
import type { Network } from "./network.ts";
import type { Solver } from "./solver.ts";
import type { ObservationWeights } from "./weights.ts";

/**
 * Datasets MintPy can mask observations with (`--mask-dset`): coherence, connected
 * components, offset SNR, or an offset Std (`azimuthOffsetStd`, `rangeOffsetStd`; masked by
 * `maskByOffsetStd` before the inversion, which needs a median over MintPy's patch).
 */
export type MaskDataset = "coherence" | "connectComponent" | "offsetSNR" | `${string}OffsetStd`;

/** Settings of one inversion run. */
export interface InversionSettings {
  /**
   * Weights (`-w`) from coherence (`CoherenceWeights`) or from the offset Std
   * (`OffsetStdWeights`); `weights.unweighted` for `-w no`.
   */
  weights: ObservationWeights;
  /** Minimum-norm velocity (default) rather than minimum-norm phase (`--min-norm-phase`). */
  minNormVelocity: boolean;
  /** Every date (but the reference date) needs this many valid interferograms. */
  minRedundancy: number;
  /** Observation mask dataset and threshold (`--mask-dset`, `--mask-thres`). */
  maskDataset: MaskDataset | null;
  maskThreshold: number;
  /** Zero phase means no data (true for phase datasets). */
  zeroIsNoData: boolean;
  /**
   * Metres per unit of observation: `-WAVELENGTH / (4 pi)` for phase, the offset pixel size
   * for offsets (`offsetUnit`), 1 to keep the observation's unit.
   */
  phaseToRange: number;
  /**
   * The quality output: `temporalCoherence` (default; 0 where not inverted) or `residual`
   * (offsets: the norm of the unweighted residual, NaN where not inverted).
   */
  quality?: InversionQuality;
  /** Relative singular-value cut-off of the dense path (MintPy: 1e-5). */
  rcond?: number;
  /** Pixels per batched solve (default 128). */
  lanes?: number;
}

/** One block of P pixels; per-interferogram arrays are K x P, pixel-fastest (HDF5 order). */
export interface InversionBlock {
  /** Number of pixels P. */
  pixels: number;
  /** Observations (radians), K x P; modified in place (referenced, NaN where no data). */
  phase: Float32Array;
  /** Phase of each interferogram at the reference pixel (zeros with `--skip-ref`), K. */
  refPhase: Float32Array;
  /** What the weights are computed from (coherence, or the offset Std), K x P, needed unless unweighted. */
  coherence?: Float32Array;
  /** The mask dataset, K x P, when `maskDataset` is set. */
  maskData?: Float32Array;
  /** Pixels to invert (0: skip, e.g. water or zero average coherence), P. */
  pixelMask?: Uint8Array;
}

/** Outputs of one block, in the layout of MintPy's files. */
export interface InversionResult {
  /** Displacement time-series (m), N x P, first date 0. */
  ts: Float32Array;
  /** Temporal coherence, or with quality `residual` the residual norm (NaN: not inverted), P. */
  temporalCoherence: Float32Array;
  /** Number of observations used, P (0 for skipped pixels). */
  numInvObs: Float32Array;
}

/** How many pixels took each path. */
export interface InversionCounts {
  pixels: number;
  /** Skipped: masked out, or no valid observation. */
  skipped: number;
  /** Failed the minimum-redundancy check (outputs 0). */
  redundancy: number;
  /** Solved by the batched sparse Cholesky. */
  cholesky: number;
  /** Solved by the dense SVD because their valid network is disconnected. */
  svd: number;
  /** Connected, but the Cholesky failed numerically; solved by the dense SVD. */
  choleskyFallback: number;
}

/** Milliseconds spent in each stage. */
export interface InversionTiming {
  prepare: number;
  gather: number;
  solve: number;
  coherence: number;
  dense: number;
}

/** Counts of no pixels, to add blocks' counts into. */
export function zeroInversionCounts(): InversionCounts {
  return { pixels: 0, skipped: 0, redundancy: 0, cholesky: 0, svd: 0, choleskyFallback: 0 };
}

/** Timings of nothing yet, to add blocks' timings into. */
export function zeroInversionTiming(): InversionTiming {
  return { prepare: 0, gather: 0, solve: 0, coherence: 0, dense: 0 };
}

/** Inverts blocks of pixels of one network with one setting. */
export class NetworkInverter {
  readonly network: Network;
  readonly system: NetworkSystem;
  readonly counts: InversionCounts = zeroInversionCounts();
  readonly timing: InversionTiming = zeroInversionTiming();
  readonly #s: InversionSettings;
  readonly #solver: Solver;
  readonly #dense: DenseNetworkSolver;
  readonly #lanes: number;
  // Batch buffers, lane-fastest.
  readonly #obs: Float64Array;
  readonly #w: Float64Array;
  readonly #use: Float64Array;
  readonly #cObs: Float64Array;
  readonly #cW: Float64Array;
  readonly #cUse: Float64Array;
  readonly #values: Float64Array;
  readonly #rhs: Float64Array;
  readonly #status: Uint8Array;
  readonly #tsB: Float64Array;
  readonly #tcoh: Float64Array;
  readonly #parent: Int32Array;
  readonly #count: Int32Array;
  readonly #nObs: Int32Array;
  readonly #weightOf: (coherence: number) => number;
  /** Redundancy and connectivity of the whole network (pixels with every observation). */
  readonly #fullMinCount: number;
  readonly #fullConnected: boolean;

  constructor(network: Network, settings: InversionSettings, solver: Solver) {
    if (settings.maskDataset?.endsWith("OffsetStd")) {
      // Its rule needs a median over MintPy's patch: maskByOffsetStd, before the inversion.
      throw new RangeError(
        `Mask dataset ${settings.maskDataset}: mask the block with maskByOffsetStd instead`,
      );
    }
    this.network = network;
    this.system = planNetworkSystem(network);
    this.#s = settings;
    this.#solver = solver;
    this.#dense = new DenseNetworkSolver(
      network,
      settings.minNormVelocity,
      settings.rcond ?? 1e-5,
      settings.quality,
    );
    const L = this.#lanes = Math.max(1, settings.lanes ?? 128);
    const K = network.date1.length, N = network.dates.length;
    this.#obs = new Float64Array(K * L);
    this.#w = new Float64Array(K * L);
    this.#use = new Float64Array(K * L);
    this.#cObs = new Float64Array(K * L);
    this.#cW = new Float64Array(K * L);
    this.#cUse = new Float64Array(K * L);
    this.#values = new Float64Array(this.system.plan.nnz * L);
    this.#rhs = new Float64Array(Math.max(1, this.system.plan.n) * L);
    this.#status = new Uint8Array(L);
    this.#tsB = new Float64Array(N * L);
    this.#tcoh = new Float64Array(L);
    this.#parent = new Int32Array(N);
    this.#count = new Int32Array(N);
    this.#nObs = new Int32Array(L);
    this.#weightOf = settings.weights.squaredWeightFunction();
    const all = new Uint8Array(K).fill(1);
    const full = this.#laneStatus(all, 1, 0);
    this.#fullMinCount = full.minCount;
    this.#fullConnected = full.connected;
  }

  /**
   * Invert one block; outputs of skipped pixels are 0.
   * @param reuse Output arrays of a previous block to fill again (avoids touching fresh
   *   memory for every block); they must hold at least N x P, P and P values.
   */
  invertBlock(block: InversionBlock, reuse?: InversionResult): InversionResult {
    const net = this.network, K = net.date1.length, N = net.dates.length, P = block.pixels;
    if (block.phase.length !== K * P) {
      throw new RangeError(`Phase block has ${block.phase.length} values, expected ${K * P}`);
    }
    if (!this.#s.weights.unweighted && (!block.coherence || block.coherence.length !== K * P)) {
      throw new RangeError(
        `Weighted inversion needs a weight (coherence/Std) block of ${K * P} values`,
      );
    }
    // MintPy's residual is NaN where a pixel is not inverted; its temporal coherence is 0.
    const noQuality = this.#s.quality === "residual" ? NaN : 0;
    const out: InversionResult = reuse && reuse.ts.length >= N * P && reuse.numInvObs.length >= P
      ? {
        ts: reuse.ts.subarray(0, N * P).fill(0),
        temporalCoherence: reuse.temporalCoherence.subarray(0, P).fill(noQuality),
        numInvObs: reuse.numInvObs.subarray(0, P).fill(0),
      }
      : {
        ts: new Float32Array(N * P),
        temporalCoherence: new Float32Array(P).fill(noQuality),
        numInvObs: new Float32Array(P),
      };
    let t = performance.now();
    const candidates = this.#prepare(block);
    this.timing.prepare += performance.now() - t;
    this.counts.pixels += P;
    this.counts.skipped += P - candidates.length;
    const coherence = this.#s.weights.unweighted ? null : block.coherence!;
    for (let b0 = 0; b0 < candidates.length; b0 += this.#lanes) {
      const idx = candidates.subarray(b0, Math.min(candidates.length, b0 + this.#lanes));
      t = performance.now();
      const { connected, dense } = this.#gather(block.phase, coherence, P, idx);
      this.timing.gather += performance.now() - t;
      if (connected.length > 0) this.#solveConnected(idx, connected, dense, P, out);
      t = performance.now();
      for (const l of dense) this.#solveDense(block.phase, coherence, P, idx[l]!, out);
      this.timing.dense += performance.now() - t;
    }
    return out;
  }

  /**
   * Reference, mask and convert no-data observations to NaN, in place.
   * @returns the pixels to invert (unmasked, at least one valid observation).
   */
  #prepare(block: InversionBlock): Int32Array {
    const K = this.network.date1.length, P = block.pixels, s = this.#s;
    const phase = block.phase;
    const anyValid = new Uint8Array(P);
    const thres = Math.fround(s.maskThreshold);
    for (let k = 0; k < K; k++) {
      const ref = block.refPhase[k]!, o = k * P;
      const m = s.maskDataset ? block.maskData! : null;
      const byComponent = s.maskDataset === "connectComponent";
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
        if (v === v) anyValid[p] = 1;
      }
    }
    const list: number[] = [];
    for (let p = 0; p < P; p++) {
      if (anyValid[p] && (!block.pixelMask || block.pixelMask[p])) list.push(p);
    }
    return Int32Array.from(list);
  }

  /**
   * Gather a batch into the lane buffers with the weights; check redundancy and
   * connectivity of each lane (pixels with every observation share the network's).
   * @returns lanes solved by Cholesky, and lanes for the dense path.
   */
  #gather(
    phase: Float32Array,
    coherence: Float32Array | null,
    P: number,
    idx: Int32Array,
  ): { connected: number[]; dense: number[] } {
    const K = this.network.date1.length, L = idx.length;
    const obs = this.#obs, w = this.#w, use = this.#use, nObs = this.#nObs;
    const weightOf = this.#weightOf;
    nObs.fill(0, 0, L);
    for (let k = 0; k < K; k++) {
      const o = k * L, src = k * P;
      for (let l = 0; l < L; l++) {
        const p = idx[l]!, v = phase[src + p]!;
        if (v === v) {
          obs[o + l] = v;
          w[o + l] = coherence ? weightOf(coherence[src + p]!) : 1;
          use[o + l] = 1;
          nObs[l]++;
        } else {
          obs[o + l] = 0;
          w[o + l] = 0;
          use[o + l] = 0;
        }
      }
    }
    const connected: number[] = [], dense: number[] = [];
    const minRedun = this.#s.minRedundancy;
    for (let l = 0; l < L; l++) {
      const st = nObs[l] === K
        ? { minCount: this.#fullMinCount, connected: this.#fullConnected }
        : this.#laneStatus(use, L, l);
      if (st.minCount < minRedun) this.counts.redundancy++;
      else if (st.connected) connected.push(l);
      else {
        dense.push(l);
        this.counts.svd++;
      }
    }
    return { connected, dense };
  }

  /**
   * Fewest observations of a date (the reference date excepted) and connectivity of the
   * valid network of lane `l` of a lane-fastest `use` mask with `lanes` lanes.
   */
  #laneStatus(
    use: ArrayLike<number>,
    lanes: number,
    l: number,
  ): { minCount: number; connected: boolean } {
    const net = this.network, K = net.date1.length, N = net.dates.length;
    const parent = this.#parent, count = this.#count;
    for (let d = 0; d < N; d++) {
      parent[d] = d;
      count[d] = 0;
    }
    let groups = N;
    for (let k = 0; k < K; k++) {
      if (!use[k * lanes + l]) continue;
      const d1 = net.date1[k]!, d2 = net.date2[k]!;
      count[d1]++;
      count[d2]++;
      // Union-find with path halving.
      let a = d1, b = d2;
      while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
      while (parent[b] !== b) b = parent[b] = parent[parent[b]!]!;
      if (a !== b) {
        parent[a] = b;
        groups--;
      }
    }
    let minCount = Infinity;
    for (let d = 0; d < N; d++) {
      if (d !== net.refIndex && count[d]! < minCount) minCount = count[d]!;
    }
    return { minCount, connected: groups === 1 };
  }

  /** Batched Cholesky of the connected lanes, their temporal coherence and outputs. */
  #solveConnected(
    idx: Int32Array,
    connected: number[],
    dense: number[],
    P: number,
    out: InversionResult,
  ): void {
    const net = this.network, K = net.date1.length, N = net.dates.length, L = idx.length;
    const { plan, scatter } = this.system;
    const nc = connected.length;
    let obs = this.#obs, w = this.#w, use = this.#use;
    if (nc < L) {
      // Compact the connected lanes so the solver only sees pixels it can solve.
      obs = this.#cObs;
      w = this.#cW;
      use = this.#cUse;
      for (let k = 0; k < K; k++) {
        const o = k * L, c = k * nc;
        for (let j = 0; j < nc; j++) {
          const l = connected[j]!;
          obs[c + j] = this.#obs[o + l]!;
          w[c + j] = this.#w[o + l]!;
          use[c + j] = this.#use[o + l]!;
        }
      }
    }
    let t = performance.now();
    const values = this.#values, rhs = this.#rhs, status = this.#status;
    this.#solver.assembleNormalEquations(plan, scatter, nc, obs, w, values, rhs);
    this.#solver.sparseCholeskySolve(plan, nc, values, rhs, status);
    this.timing.solve += performance.now() - t;
    t = performance.now();
    // Phase of every date (reference date 0), lane-fastest.
    const tsB = this.#tsB;
    for (let d = 0; d < N; d++) {
      const c = net.columnOfDate[d]!, o = d * nc;
      if (c < 0) tsB.fill(0, o, o + nc);
      else {
        const r = plan.position[c]! * nc;
        for (let j = 0; j < nc; j++) tsB[o + j] = rhs[r + j]!;
      }
    }
    const tcoh = this.#tcoh;
    const residual = this.#s.quality === "residual";
    if (residual) residualNorm(K, nc, net.date1, net.date2, obs, use, tsB, tcoh);
    else this.#solver.temporalCoherence(K, N, nc, net.date1, net.date2, obs, use, tsB, tcoh);
    this.timing.coherence += performance.now() - t;
    // Connected lanes have full rank; unweighted, MintPy's lstsq residues also need K > N - 1.
    const undefinedResidual = residual && this.#s.weights.unweighted;
    const scale = Math.fround(this.#s.phaseToRange);
    for (let j = 0; j < nc; j++) {
      const l = connected[j]!;
      if (status[j] !== 0) {
        // Not positive definite in floating point: the dense path settles it.
        this.counts.choleskyFallback++;
        dense.push(l);
        continue;
      }
      this.counts.cholesky++;
      const p = idx[l]!;
      out.temporalCoherence[p] =
        undefinedResidual && unweightedResidualUndefined(this.#nObs[l]!, N, true) ? NaN : tcoh[j]!;
      out.numInvObs[p] = this.#nObs[l]!;
      if (this.#s.minNormVelocity) {
        // MintPy's velocity path gives the time-series relative to the first date.
        const base = tsB[j]!;
        for (let d = 0; d < N; d++) {
          out.ts[d * P + p] = Math.fround(Math.fround(tsB[d * nc + j]! - base) * scale);
        }
      } else {
        out.ts[p] = 0;
        for (let c = 0; c < N - 1; c++) {
          const d = net.dateOfColumn[c]!;
          out.ts[(c + 1) * P + p] = Math.fround(Math.fround(tsB[d * nc + j]!) * scale);
        }
      }
    }
  }

  /** One pixel through the dense SVD (MintPy's lstsq). */
  #solveDense(
    phase: Float32Array,
    coherence: Float32Array | null,
    P: number,
    p: number,
    out: InversionResult,
  ): void {
    const K = this.network.date1.length, N = this.network.dates.length;
    const obsIdx = new Int32Array(K), y = new Float64Array(K);
    const sw = coherence ? new Float64Array(K) : null;
    let nv = 0;
    for (let k = 0; k < K; k++) {
      const v = phase[k * P + p]!;
      if (v !== v) continue;
      obsIdx[nv] = k;
      y[nv] = v;
      if (sw) sw[nv] = this.#s.weights.sqrtWeight(coherence![k * P + p]!);
      nv++;
    }
    const ts = new Float64Array(N);
    const tcoh = this.#dense.solve(obsIdx, nv, y, sw, ts);
    const scale = Math.fround(this.#s.phaseToRange);
    for (let d = 0; d < N; d++) out.ts[d * P + p] = Math.fround(Math.fround(ts[d]!) * scale);
    out.temporalCoherence[p] = tcoh;
    out.numInvObs[p] = nv;
  }
}
