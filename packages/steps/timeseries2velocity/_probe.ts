/**
 * What a `timeseries2velocity` fit runs, for the backend calibration of `backend: "auto"`.
 * @module
 */
import { type ProbeShape, TimeFunctionBasis, timeFunctionTileWidth } from "@vinsar/core";
import type { Settings } from "./_settings.ts";

/**
 * The kernels of a fit: the fused series fit (residue and covariance uncertainties, unless
 * `rmTimefun` keeps some signal in a saved residual); else, per tile of pixels, the GEMMs of
 * the parameters `m (P x w) = pinv (P x N) * d (N x w)` and of the residual
 * `d -= G (N x P) * m (P x w)`, `w` being the tile width over blocks of at most `pixels`.
 */
export function fitProbe(settings: Settings, pixels: number): ProbeShape[] {
  const N = settings.dates.length, P = new TimeFunctionBasis(settings.model).numParams;
  const residual = settings.resFile !== null;
  if (
    settings.uncertainty !== "bootstrap" && (!residual || settings.rmFamilies.includes("all"))
  ) {
    return [{ kind: "seriesFit", numDates: N, numParams: P, residual }];
  }
  const w = timeFunctionTileWidth(N, Math.max(1, pixels));
  return [{ kind: "gemm", m: P, n: w, k: N }, { kind: "gemm", m: N, n: w, k: P }];
}
