/**
 * Least-squares fit of time functions to every pixel of a row block, with MintPy's
 * uncertainty options, vectorized across pixels.
 *
 * G (dates x parameters) is shared by all pixels, so `m = G+ d` is one GEMM over the
 * block (lane-fastest: date i of pixel l at `i * lanes + l`, as a `(N, rows, W)` HDF5
 * block arrives); the residual `d - G m` and its sum of squares `e2` are one more pass.
 * Pixels missing some dates (NaN) are grouped by their pattern of missing dates and each
 * group is fit with its own rows of G (MintPy stops with an error on such pixels).
 * @module
 */
import type { Solver } from "./solver.ts";
import { designPseudoInverse, rowSquaredNorms } from "./pinv.ts";
import {
  bootstrapExplicit,
  bootstrapFromMoments,
  type BootstrapMoments,
  bootstrapMoments,
  type BootstrapSetup,
  type BootstrapWeights,
  bootstrapWeights,
} from "./bootstrap.ts";

/** How the parameter standard deviations are estimated (MintPy's `--uq`). */
export type UncertaintyMethod = "residue" | "covariance" | "bootstrap";

/** A design matrix with what every pixel's fit needs from it. */
export interface TimeFunctionFit {
  readonly numDates: number;
  readonly numParams: number;
  /** G, row-major `N x P`. */
  readonly design: Float64Array;
  /** G+, row-major `P x N`. */
  readonly pinv: Float64Array;
  /** `diag((G^T G)^-1)`, length P. */
  readonly normalDiag: Float64Array;
  /** Numerical rank of G; the fit is unique only when it equals P. */
  readonly rank: number;
}

/** Pseudo-inverse G+ and `diag((G^T G)^-1)` of the `n x p` design matrix. */
export function planTimeFunctionFit(design: Float64Array, n: number, p: number): TimeFunctionFit {
  const { pinv, rank } = designPseudoInverse(design, n, p);
  return {
    numDates: n,
    numParams: p,
    design,
    pinv,
    normalDiag: rowSquaredNorms(pinv, p, n),
    rank,
  };
}

/** Time-series (co)variance of a block (MintPy's `--ts-cov-file`), float64 lane-fastest. */
export interface TimeSeriesCovariance {
  /** "variance": `N x lanes` variances; "full": `N x N x lanes` covariance matrices. */
  readonly kind: "variance" | "full";
  readonly values: Float64Array;
}

/** Options of {@link fitTimeFunctionsBlock}. */
export interface BlockFitOptions {
  readonly uncertainty: UncertaintyMethod;
  /** Required for "covariance". */
  readonly covariance?: TimeSeriesCovariance;
  /**
   * Required for "bootstrap": the resamples, and the closed-form operators for pixels
   * with every date (`bootstrapMoments(bootstrapWeights(setup))`, computed once per run).
   */
  readonly bootstrap?: { readonly setup: BootstrapSetup; readonly moments: BootstrapMoments };
  /** Lane of the reference pixel (fit even when its series is all zero), or -1. */
  readonly refLane: number;
  /**
   * Columns of G whose fitted signal is removed in the residual left in `data`
   * (`--rm-timefun`); default: all.
   */
  readonly residualColumns?: Int32Array;
}

/** What happened to the pixels of a block. */
export interface BlockFitCounts {
  /** Pixels fit (including those missing some dates). */
  fitted: number;
  /** Pixels skipped as MintPy does: every date NaN or a zero mean. */
  skipped: number;
  /** Fit pixels that miss some dates. */
  partial: number;
  /** Distinct patterns of missing dates among them. */
  partialPatterns: number;
  /** Pixels missing so many dates that the fit is not unique (left at 0). */
  unsolvable: number;
  /** Bootstrap resamples that were rank-deficient for some pattern of missing dates. */
  rankDeficientResamples: number;
}

/** Results of {@link fitTimeFunctionsBlock}; pixels not fit hold 0. */
export interface BlockFit {
  /** `P x lanes` parameters. */
  readonly params: Float64Array;
  /** `P x lanes` standard deviations. */
  readonly std: Float64Array;
  /** `lanes` sums of squared residuals over the dates used. */
  readonly e2: Float64Array;
  /** `lanes` 1 where the pixel was fit. */
  readonly fitted: Uint8Array;
  readonly counts: BlockFitCounts;
}

/** Pixels per tile: a tile of the block's dates stays in cache across the GEMMs. */
const TILE = 512;

interface ColumnContext {
  solver: Solver;
  fit: TimeFunctionFit;
  uncertainty: UncertaintyMethod;
  /** Squared G+ (variance propagation) or its per-parameter outer products (full). */
  covOperator?: Float64Array;
  covKind?: "variance" | "full";
  boot?: { moments?: BootstrapMoments; explicit?: BootstrapWeights };
  /** G with the columns that stay in the residual (others zeroed), or undefined. */
  keepDesign?: Float64Array;
}

/**
 * Fit the time functions of `fit` to a block of `lanes` pixels.
 * @param data `N x lanes` lane-fastest displacements (m), NaN where a date has no data.
 *   Overwritten with the residual time-series: NaN for pixels not fit and for missing dates.
 */
export function fitTimeFunctionsBlock(
  solver: Solver,
  fit: TimeFunctionFit,
  data: Float64Array,
  lanes: number,
  opts: BlockFitOptions,
): BlockFit {
  const n = fit.numDates, p = fit.numParams;
  const params = new Float64Array(p * lanes);
  const std = new Float64Array(p * lanes);
  const e2 = new Float64Array(lanes);
  const fitted = new Uint8Array(lanes);
  const counts: BlockFitCounts = {
    fitted: 0,
    skipped: 0,
    partial: 0,
    partialPatterns: 0,
    unsolvable: 0,
    rankDeficientResamples: 0,
  };

  // MintPy's mask: skip pixels whose nan-mean over dates is NaN or exactly zero.
  const nanCount = new Int32Array(lanes);
  const sum = new Float64Array(lanes);
  for (let i = 0; i < n; i++) {
    const row = i * lanes;
    for (let l = 0; l < lanes; l++) {
      const v = data[row + l]!;
      if (v === v) sum[l] += v;
      else nanCount[l]++;
    }
  }
  const partialLanes: number[] = [];
  for (let l = 0; l < lanes; l++) {
    if ((nanCount[l]! < n && sum[l] !== 0) || l === opts.refLane) {
      fitted[l] = 1;
      if (nanCount[l]! > 0) partialLanes.push(l);
    }
  }

  // Pixels missing some dates are taken out before the block GEMMs overwrite the data.
  const partial = partialLanes.length > 0 ? groupPartialLanes(data, n, lanes, partialLanes) : [];
  const ctx = columnContext(solver, fit, opts);
  if (opts.uncertainty === "bootstrap") ctx.boot = { moments: opts.bootstrap!.moments };
  const rows = opts.uncertainty === "bootstrap" ? p * opts.bootstrap!.moments.rank : 0;
  const scratch = new Float64Array(rows * Math.min(TILE, lanes));
  for (let l0 = 0; l0 < lanes; l0 += TILE) {
    const width = Math.min(TILE, lanes - l0);
    fitColumns(
      ctx,
      data.subarray(l0),
      lanes,
      width,
      params.subarray(l0),
      std.subarray(l0),
      e2.subarray(l0),
      lanes,
      opts.covariance ? opts.covariance.values.subarray(l0) : undefined,
      lanes,
      scratch,
    );
  }

  if (partial.length > 0) {
    fitPartialLanes(solver, fit, data, lanes, opts, partial, params, std, e2, fitted, counts);
  }

  for (let l = 0; l < lanes; l++) {
    if (fitted[l]) {
      counts.fitted++;
      continue;
    }
    for (let j = 0; j < p; j++) {
      params[j * lanes + l] = 0;
      std[j * lanes + l] = 0;
    }
    e2[l] = 0;
    for (let i = 0; i < n; i++) data[i * lanes + l] = NaN;
  }
  counts.skipped = lanes - counts.fitted - counts.unsolvable;
  return { params, std, e2, fitted, counts };
}

function columnContext(solver: Solver, fit: TimeFunctionFit, opts: BlockFitOptions) {
  const n = fit.numDates, p = fit.numParams;
  const ctx: ColumnContext = { solver, fit, uncertainty: opts.uncertainty };
  if (opts.uncertainty === "covariance") {
    const kind = opts.covariance!.kind;
    ctx.covKind = kind;
    if (kind === "variance") {
      ctx.covOperator = fit.pinv.map((v) => v * v);
    } else {
      // var(m_j) = sum_ik G+[j,i] C_ik G+[j,k]: one GEMM with the outer products of G+ rows.
      const op = new Float64Array(p * n * n);
      for (let j = 0; j < p; j++) {
        for (let i = 0; i < n; i++) {
          const a = fit.pinv[j * n + i]!;
          for (let k = 0; k < n; k++) op[j * n * n + i * n + k] = a * fit.pinv[j * n + k]!;
        }
      }
      ctx.covOperator = op;
    }
  }
  if (opts.residualColumns) {
    const removed = new Uint8Array(p);
    for (const c of opts.residualColumns) removed[c] = 1;
    if (removed.some((r) => r === 0)) {
      const keep = new Float64Array(n * p);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < p; j++) if (!removed[j]) keep[i * p + j] = fit.design[i * p + j]!;
      }
      ctx.keepDesign = keep;
    }
  }
  return ctx;
}

/**
 * Fit `width` pixels: parameters and standard deviations, then `d - G m` in place, `e2`.
 * Row strides: `ldData` for `data`, `ldOut` for `params`/`std`, `ldCov` for `cov`.
 */
function fitColumns(
  ctx: ColumnContext,
  data: Float64Array,
  ldData: number,
  width: number,
  params: Float64Array,
  std: Float64Array,
  e2: Float64Array,
  ldOut: number,
  cov: Float64Array | undefined,
  ldCov: number,
  scratch: Float64Array,
): void {
  const { solver, fit } = ctx;
  const n = fit.numDates, p = fit.numParams;
  if (ctx.uncertainty === "bootstrap") {
    const boot = ctx.boot!;
    if (boot.moments) {
      bootstrapFromMoments(solver, boot.moments, data, ldData, width, params, std, ldOut, scratch);
    } else {
      bootstrapExplicit(solver, boot.explicit!, data, ldData, width, params, std, ldOut, scratch);
    }
  } else {
    solver.dgemm(false, false, p, width, n, 1, fit.pinv, n, data, ldData, 0, params, ldOut);
  }
  if (ctx.uncertainty === "covariance") {
    const k = ctx.covKind === "variance" ? n : n * n;
    solver.dgemm(false, false, p, width, k, 1, ctx.covOperator!, k, cov!, ldCov, 0, std, ldOut);
    for (let j = 0; j < p; j++) {
      const r = j * ldOut;
      for (let l = 0; l < width; l++) std[r + l] = Math.sqrt(std[r + l]!);
    }
  }
  solver.dgemm(false, false, n, width, p, -1, fit.design, p, params, ldOut, 1, data, ldData);
  e2.fill(0, 0, width);
  for (let i = 0; i < n; i++) {
    const r = i * ldData;
    for (let l = 0; l < width; l++) e2[l] += data[r + l]! ** 2;
  }
  if (ctx.uncertainty === "residue") {
    const dof = n - p;
    for (let j = 0; j < p; j++) {
      const f = fit.normalDiag[j]! / dof, r = j * ldOut;
      for (let l = 0; l < width; l++) std[r + l] = Math.sqrt(f * e2[l]!);
    }
  }
  if (ctx.keepDesign) {
    solver.dgemm(false, false, n, width, p, 1, ctx.keepDesign, p, params, ldOut, 1, data, ldData);
  }
}

/** Pixels sharing one pattern of missing dates, with their data on the dates they have. */
interface PartialGroup {
  /** 1 for each date with data. */
  readonly valid: Uint8Array;
  /** Dates with data, ascending. */
  readonly rows: number[];
  /** Lanes of the pixels. */
  readonly members: number[];
  /** `rows.length x members.length` data. */
  readonly data: Float64Array;
}

/** Group `partialLanes` by their pattern of NaN dates and copy out their data. */
function groupPartialLanes(
  data: Float64Array,
  n: number,
  lanes: number,
  partialLanes: number[],
): PartialGroup[] {
  const byKey = new Map<string, number[]>();
  const bits = new Uint8Array(n);
  for (const l of partialLanes) {
    for (let i = 0; i < n; i++) bits[i] = data[i * lanes + l]! === data[i * lanes + l]! ? 49 : 48;
    const key = String.fromCharCode(...bits);
    const g = byKey.get(key);
    if (g) g.push(l);
    else byKey.set(key, [l]);
  }
  return [...byKey].map(([key, members]) => {
    const valid = new Uint8Array(n);
    const rows: number[] = [];
    for (let i = 0; i < n; i++) {
      if (key.charCodeAt(i) === 49) {
        valid[i] = 1;
        rows.push(i);
      }
    }
    const g = members.length;
    const d = new Float64Array(rows.length * g);
    rows.forEach((r, k) => {
      for (let q = 0; q < g; q++) d[k * g + q] = data[r * lanes + members[q]!]!;
    });
    return { valid, rows, members, data: d };
  });
}

/** Pixels missing some dates: one fit per pattern of missing dates. */
function fitPartialLanes(
  solver: Solver,
  fit: TimeFunctionFit,
  data: Float64Array,
  lanes: number,
  opts: BlockFitOptions,
  groups: PartialGroup[],
  params: Float64Array,
  std: Float64Array,
  e2: Float64Array,
  fitted: Uint8Array,
  counts: BlockFitCounts,
): void {
  const n = fit.numDates, p = fit.numParams;
  counts.partialPatterns += groups.length;
  for (const { valid, rows, members, data: d } of groups) {
    const nv = rows.length, g = members.length;
    const design = new Float64Array(nv * p);
    rows.forEach((r, k) => design.set(fit.design.subarray(r * p, (r + 1) * p), k * p));
    const sub = nv > p ? planTimeFunctionFit(design, nv, p) : undefined;
    if (!sub || sub.rank < p) {
      for (const l of members) fitted[l] = 0;
      counts.unsolvable += g;
      continue;
    }
    counts.partial += g;
    let cov: Float64Array | undefined;
    if (opts.uncertainty === "covariance") {
      const full = opts.covariance!.kind === "full";
      const k2 = full ? nv * nv : nv;
      cov = new Float64Array(k2 * g);
      for (let a = 0; a < nv; a++) {
        for (let b = 0; b < (full ? nv : 1); b++) {
          const src = (full ? rows[a]! * n + rows[b]! : rows[a]!) * lanes;
          const dst = (full ? a * nv + b : a) * g;
          for (let q = 0; q < g; q++) cov[dst + q] = opts.covariance!.values[src + members[q]!]!;
        }
      }
    }
    const ctx = columnContext(solver, sub, opts);
    let scratch = new Float64Array(0);
    if (opts.uncertainty === "bootstrap") {
      const w = restrictWeights(bootstrapWeights(opts.bootstrap!.setup, valid), rows);
      counts.rankDeficientResamples += w.rankDeficient;
      if (g < nv) {
        ctx.boot = { explicit: w };
        scratch = new Float64Array(w.count * p * g);
      } else {
        const moments = bootstrapMoments(w);
        ctx.boot = { moments };
        scratch = new Float64Array(p * moments.rank * g);
      }
    }
    const pg = new Float64Array(p * g), sg = new Float64Array(p * g), eg = new Float64Array(g);
    fitColumns(ctx, d, g, g, pg, sg, eg, g, cov, g, scratch);
    for (let q = 0; q < g; q++) {
      const l = members[q]!;
      for (let j = 0; j < p; j++) {
        params[j * lanes + l] = pg[j * g + q]!;
        std[j * lanes + l] = sg[j * g + q]!;
      }
      e2[l] = eg[q]!;
      for (let k = 0; k < nv; k++) data[rows[k]! * lanes + l] = d[k * g + q]!;
    }
  }
}

/** Keep only the columns `rows` (dates with data) of every `W_b`. */
function restrictWeights(w: BootstrapWeights, rows: number[]): BootstrapWeights {
  const { count, numParams: p, numDates: n } = w;
  const nv = rows.length;
  const out = new Float64Array(count * p * nv);
  for (let r = 0; r < count * p; r++) {
    for (let k = 0; k < nv; k++) out[r * nv + k] = w.weights[r * n + rows[k]!]!;
  }
  return { ...w, weights: out, numDates: nv };
}
