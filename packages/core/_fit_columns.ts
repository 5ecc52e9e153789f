/**
 * The fit of a set of pixels sharing one design matrix: parameters, standard deviations,
 * residual and its sum of squares, as a few GEMMs over the pixels (private to
 * `fit_time_functions.ts`).
 * @module
 */
import type { Solver } from "./solver.ts";
import { designPseudoInverse, rowSquaredNorms } from "./pinv.ts";
import {
  bootstrapExplicit,
  bootstrapFromMoments,
  type BootstrapMoments,
  type BootstrapWeights,
} from "./bootstrap.ts";
import type { TimeFunctionFit, UncertaintyMethod } from "./fit_types.ts";

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

/** Everything {@link fitColumns} needs besides the pixels. */
export interface ColumnContext {
  solver: Solver;
  fit: TimeFunctionFit;
  uncertainty: UncertaintyMethod;
  /** Squared G+ (variance propagation) or its per-parameter outer products (full). */
  covOperator?: Float64Array;
  covKind?: "variance" | "full";
  boot?: { moments?: BootstrapMoments; explicit?: BootstrapWeights };
  /** G with only the columns that stay in the residual (others zeroed), or undefined. */
  keepDesign?: Float64Array;
}

/**
 * Build the context of a fit.
 * @param covKind the layout of the (co)variance, for "covariance".
 * @param residualColumns columns whose signal is removed in the residual (default all).
 */
export function columnContext(
  solver: Solver,
  fit: TimeFunctionFit,
  uncertainty: UncertaintyMethod,
  covKind?: "variance" | "full",
  residualColumns?: Int32Array,
): ColumnContext {
  const n = fit.numDates, p = fit.numParams;
  const ctx: ColumnContext = { solver, fit, uncertainty };
  if (uncertainty === "covariance") {
    ctx.covKind = covKind;
    if (covKind === "variance") {
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
  if (residualColumns) {
    const removed = new Uint8Array(p);
    for (const c of residualColumns) removed[c] = 1;
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
 * Fit `width` pixels with finite data: parameters and standard deviations, then the
 * residual `d - G m` in place of `data` and its sum of squares `e2` (with `keepDesign`, the
 * signal of the kept columns is added back to the residual afterwards).
 * Row strides: `ldData` for `data`, `ldOut` for `params`/`std`, `ldCov` for `cov`.
 * @param scratch bootstrap work space (see `bootstrapFromMoments` / `bootstrapExplicit`).
 */
export function fitColumns(
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
  solver.dgemm(false, false, n, width, p, -1, fit.design, p, params, ldOut, 1, data, ldData);
  solver.groupedSquaredNorms(1, n, width, data, ldData, e2, width, false);
  analyticStd(ctx, width, e2, std, ldOut, cov, ldCov);
  if (ctx.keepDesign) {
    solver.dgemm(false, false, n, width, p, 1, ctx.keepDesign, p, params, ldOut, 1, data, ldData);
  }
}

/**
 * The standard deviations of "residue" (from each pixel's residual sum of squares `e2`) and
 * "covariance" (propagated from the time-series (co)variance `cov`); nothing for bootstrap.
 */
export function analyticStd(
  ctx: ColumnContext,
  width: number,
  e2: Float64Array,
  std: Float64Array,
  ldOut: number,
  cov: Float64Array | undefined,
  ldCov: number,
): void {
  const { solver, fit } = ctx;
  const n = fit.numDates, p = fit.numParams;
  if (ctx.uncertainty === "covariance") {
    const k = ctx.covKind === "variance" ? n : n * n;
    solver.dgemm(false, false, p, width, k, 1, ctx.covOperator!, k, cov!, ldCov, 0, std, ldOut);
    for (let j = 0; j < p; j++) {
      const r = j * ldOut;
      for (let l = 0; l < width; l++) std[r + l] = Math.sqrt(std[r + l]!);
    }
  } else if (ctx.uncertainty === "residue") {
    const dof = n - p;
    for (let j = 0; j < p; j++) {
      const f = fit.normalDiag[j]! / dof, r = j * ldOut;
      for (let l = 0; l < width; l++) std[r + l] = Math.sqrt(f * e2[l]!);
    }
  }
}
