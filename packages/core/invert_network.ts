/**
 * MintPy's network inversion (`ifgram_inversion.py`) of one block of pixels, batched:
 * observations are referenced and masked, pixels with no data are skipped, and every pixel
 * whose valid network is connected is solved by the weighted normal equations with one
 * sparse Cholesky plan shared by all pixels, vectorized across pixel lanes. A pixel whose
 * valid network is disconnected is solved in the same lanes, with one date of each
 * floating component grounded, then projected onto MintPy's minimum-norm solution
 * (`_network_components.ts`); only a pixel whose factorization fails numerically takes the
 * dense per-pixel path.
 * @module
 */
import { DenseNetworkSolver } from "./invert_dense.ts";
import {
  groundSplitLane,
  LaneComponents,
  minNormSeries,
  type NetworkSplit,
} from "./_network_components.ts";
import { residualNorm, unweightedResidualUndefined } from "./inversion_residual.ts";
import { type LaneWeightTable, laneWeightTable } from "./_lane_weights.ts";
import { prepareInversionBlock } from "./_prepare_block.ts";
import { type NetworkSystem, planNetworkSystem } from "./invert_system.ts";
import type { Network } from "./network.ts";
import type { Solver } from "./solver.ts";
import {
  type InversionBlock,
  type InversionCounts,
  type InversionResult,
  type InversionSettings,
  type InversionTiming,
  zeroInversionCounts,
  zeroInversionTiming,
} from "./invert_types.ts";

export * from "./invert_types.ts";

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
  readonly #components: LaneComponents;
  /** Components of each lane of the batch whose valid network is disconnected, else null. */
  readonly #split: Array<NetworkSplit | null>;
  readonly #nObs: Int32Array;
  readonly #weightOf: (coherence: number) => number;
  /** Lanes are gathered by the solver from the float32 block (`invertNetworkLanes`). */
  readonly #fused: boolean;
  readonly #table: LaneWeightTable | null;
  readonly #datePosition: Int32Array;
  readonly #pixel: Int32Array;
  readonly #laneJ: Int32Array;
  readonly #laneP: Int32Array;
  /** Valid observations of each pixel of the block (counted by `#prepare`). */
  #pixelObs = new Int32Array(0);
  /** Redundancy and connectivity of the whole network (pixels with every observation). */
  readonly #fullMinCount: number;
  readonly #fullSplit: NetworkSplit | null;

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
    this.#components = new LaneComponents(network, this.system.plan);
    this.#split = new Array<NetworkSplit | null>(L).fill(null);
    this.#nObs = new Int32Array(L);
    this.#weightOf = settings.weights.squaredWeightFunction();
    this.#table = laneWeightTable(settings.weights);
    this.#fused = solver.invertNetworkLanes !== undefined && settings.quality !== "residual" &&
      (settings.weights.unweighted || this.#table !== null);
    const { plan } = this.system;
    this.#datePosition = Int32Array.from(
      { length: N },
      (_, d) => network.columnOfDate[d]! < 0 ? -1 : plan.position[network.columnOfDate[d]!]!,
    );
    this.#pixel = new Int32Array(L);
    this.#laneJ = new Int32Array(L);
    this.#laneP = new Int32Array(L);
    const all = new Uint8Array(K).fill(1);
    const full = this.#components.status(all, 1, 0);
    this.#fullMinCount = full.minCount;
    this.#fullSplit = full.split;
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
    if (this.#pixelObs.length < P) this.#pixelObs = new Int32Array(P);
    const candidates = prepareInversionBlock(block, this.#s, K, this.#pixelObs, this.#solver);
    this.timing.prepare += performance.now() - t;
    this.counts.pixels += P;
    this.counts.skipped += P - candidates.length;
    const coherence = this.#s.weights.unweighted ? null : block.coherence!;
    for (let b0 = 0; b0 < candidates.length; b0 += this.#lanes) {
      const idx = candidates.subarray(b0, Math.min(candidates.length, b0 + this.#lanes));
      const dense: number[] = [];
      if (this.#fused) this.#solveFused(block.phase, coherence, P, idx, dense, out);
      else {
        t = performance.now();
        const solvable = this.#gather(block.phase, coherence, P, idx);
        this.timing.gather += performance.now() - t;
        if (solvable.length > 0) this.#solveBatch(idx, solvable, dense, P, out);
      }
      t = performance.now();
      for (const l of dense) {
        this.#dense.solveBlockPixel(block.phase, coherence, P, idx[l]!, this.#s, out);
      }
      this.timing.dense += performance.now() - t;
    }
    return out;
  }

  /**
   * Gather a batch into the lane buffers with the weights; check redundancy and
   * connectivity of each lane (pixels with every observation share the network's), keeping
   * the components of the disconnected ones in `#split`.
   * @returns the lanes to solve (those passing the redundancy check).
   */
  #gather(
    phase: Float32Array,
    coherence: Float32Array | null,
    P: number,
    idx: Int32Array,
  ): number[] {
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
    const solvable: number[] = [];
    const minRedun = this.#s.minRedundancy, split = this.#split;
    for (let l = 0; l < L; l++) {
      const st = nObs[l] === K
        ? { minCount: this.#fullMinCount, split: this.#fullSplit }
        : this.#components.status(use, L, l);
      split[l] = st.split;
      if (st.minCount < minRedun) this.counts.redundancy++;
      else {
        solvable.push(l);
        if (st.split) this.counts.svd++;
      }
    }
    return solvable;
  }

  /**
   * A batch gathered by the solver straight from the float32 block, with the weights
   * (`invertNetworkLanes`): no float64 copy here; only pixels missing an observation get a
   * look at their network (redundancy, components).
   */
  #solveFused(
    phase: Float32Array,
    coherence: Float32Array | null,
    P: number,
    idx: Int32Array,
    dense: number[],
    out: InversionResult,
  ): void {
    let t = performance.now();
    const net = this.network, K = net.date1.length, L = idx.length;
    const nObs = this.#nObs, split = this.#split, pixelObs = this.#pixelObs;
    const minRedun = this.#s.minRedundancy;
    const solvable: number[] = [], ground: number[] = [];
    for (let l = 0; l < L; l++) {
      const p = idx[l]!, n = nObs[l] = pixelObs[p]!;
      const st = n === K
        ? { minCount: this.#fullMinCount, split: this.#fullSplit }
        : this.#components.status(phase, P, p, true);
      split[l] = st.split;
      if (st.minCount < minRedun) {
        this.counts.redundancy++;
        continue;
      }
      if (st.split) {
        this.counts.svd++;
        for (const e of st.split.ground) ground.push(solvable.length, e);
      }
      solvable.push(l);
    }
    this.timing.gather += performance.now() - t;
    const nc = solvable.length;
    if (nc === 0) return;
    t = performance.now();
    const pixel = this.#pixel, table = this.#table;
    for (let j = 0; j < nc; j++) pixel[j] = idx[solvable[j]!]!;
    this.#solver.invertNetworkLanes!({
      plan: this.system.plan,
      scatter: this.system.scatter,
      numDates: net.dates.length,
      date1: net.date1,
      date2: net.date2,
      datePosition: this.#datePosition,
      lanes: nc,
      phase,
      weightSource: coherence,
      stride: P,
      pixel,
      weightTable: table?.table ?? null,
      weightMin: table?.min ?? 0,
      weightLo: table?.lo ?? 0,
      weightHi: table?.hi ?? 0,
      weightStep: table?.step ?? 1,
      ground: Int32Array.from(ground),
      numGround: ground.length / 2,
      phases: this.#tsB,
      quality: this.#tcoh,
      status: this.#status,
    });
    this.timing.solve += performance.now() - t;
    t = performance.now();
    this.#writeOutputs(idx, solvable, this.#tsB, this.#tcoh, this.#status, dense, P, out);
    this.timing.coherence += performance.now() - t;
  }

  /**
   * Batched Cholesky of the lanes `solvable` (disconnected ones grounded), their temporal
   * coherence and outputs; lanes whose factorization fails are added to `dense`.
   */
  #solveBatch(
    idx: Int32Array,
    solvable: number[],
    dense: number[],
    P: number,
    out: InversionResult,
  ): void {
    const net = this.network, K = net.date1.length, N = net.dates.length, L = idx.length;
    const { plan, scatter } = this.system;
    const nc = solvable.length;
    let obs = this.#obs, w = this.#w, use = this.#use;
    if (nc < L) {
      // Compact the solvable lanes so the solver only sees pixels it can solve.
      obs = this.#cObs;
      w = this.#cW;
      use = this.#cUse;
      for (let k = 0; k < K; k++) {
        const o = k * L, c = k * nc;
        for (let j = 0; j < nc; j++) {
          const l = solvable[j]!;
          obs[c + j] = this.#obs[o + l]!;
          w[c + j] = this.#w[o + l]!;
          use[c + j] = this.#use[o + l]!;
        }
      }
    }
    let t = performance.now();
    const values = this.#values, rhs = this.#rhs, status = this.#status, split = this.#split;
    this.#solver.assembleNormalEquations(plan, scatter, nc, obs, w, values, rhs);
    for (let j = 0; j < nc; j++) {
      const sp = split[solvable[j]!];
      if (sp) groundSplitLane(sp, values, nc, j);
    }
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
    // Residuals do not depend on which least-squares solution: the grounded one will do.
    const tcoh = this.#tcoh;
    const residual = this.#s.quality === "residual";
    if (residual) residualNorm(K, nc, net.date1, net.date2, obs, use, tsB, tcoh);
    else this.#solver.temporalCoherence(K, N, nc, net.date1, net.date2, obs, use, tsB, tcoh);
    this.timing.coherence += performance.now() - t;
    this.#writeOutputs(idx, solvable, tsB, tcoh, status, dense, P, out);
  }

  /**
   * Outputs of the solved lanes `solvable` of a batch (`nc` = their number) from their
   * phases `tsB` (N x nc lane-fastest), quality and status; failed lanes go to `dense`.
   */
  #writeOutputs(
    idx: Int32Array,
    solvable: number[],
    tsB: Float64Array,
    tcoh: Float64Array,
    status: Uint8Array,
    dense: number[],
    P: number,
    out: InversionResult,
  ): void {
    const net = this.network, N = net.dates.length, nc = solvable.length;
    const split = this.#split, residual = this.#s.quality === "residual";
    // Unweighted, MintPy's lstsq residues need full rank (connected) and K > N - 1.
    const undefinedResidual = residual && this.#s.weights.unweighted;
    // Lanes of connected pixels: (lane in the batch, pixel), written date by date below.
    const laneJ = this.#laneJ, laneP = this.#laneP;
    let m = 0;
    for (let j = 0; j < nc; j++) {
      const l = solvable[j]!, sp = split[l];
      if (status[j] !== 0) {
        // Not positive definite in floating point: the dense path settles it.
        if (!sp) this.counts.choleskyFallback++;
        dense.push(l);
        continue;
      }
      const p = idx[l]!;
      out.temporalCoherence[p] =
        undefinedResidual && unweightedResidualUndefined(this.#nObs[l]!, N, !sp) ? NaN : tcoh[j]!;
      out.numInvObs[p] = this.#nObs[l]!;
      if (sp) this.#writeSplit(sp, tsB, nc, j, P, p, out.ts);
      else {
        laneJ[m] = j;
        laneP[m++] = p;
      }
    }
    this.counts.cholesky += m;
    const scale = Math.fround(this.#s.phaseToRange), ts = out.ts;
    if (this.#s.minNormVelocity) {
      // MintPy's velocity path gives the time-series relative to the first date.
      for (let d = 0; d < N; d++) {
        const o = d * nc, od = d * P;
        for (let i = 0; i < m; i++) {
          const j = laneJ[i]!;
          ts[od + laneP[i]!] = Math.fround(Math.fround(tsB[o + j]! - tsB[j]!) * scale);
        }
      }
    } else {
      for (let i = 0; i < m; i++) ts[laneP[i]!] = 0;
      for (let c = 0; c < N - 1; c++) {
        const o = net.dateOfColumn[c]! * nc, od = (c + 1) * P;
        for (let i = 0; i < m; i++) {
          ts[od + laneP[i]!] = Math.fround(Math.fround(tsB[o + laneJ[i]!]!) * scale);
        }
      }
    }
  }

  /** The minimum-norm time-series of lane `j` (of `lanes`) of a disconnected pixel `p`. */
  #writeSplit(
    split: NetworkSplit,
    tsB: Float64Array,
    lanes: number,
    j: number,
    P: number,
    p: number,
    ts: Float32Array,
  ): void {
    const t = performance.now();
    const N = this.network.dates.length;
    const phase = new Float64Array(N), series = new Float64Array(N);
    for (let d = 0; d < N; d++) phase[d] = tsB[d * lanes + j]!;
    minNormSeries(this.network, split, this.#s.minNormVelocity, phase, series);
    const scale = Math.fround(this.#s.phaseToRange);
    for (let d = 0; d < N; d++) ts[d * P + p] = Math.fround(Math.fround(series[d]!) * scale);
    this.timing.dense += performance.now() - t;
  }
}
