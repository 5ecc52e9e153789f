/**
 * Which comparison rule applies to each dataset of a MintPy output, following the
 * tolerance table of the reference suite's README (`../shared/reference/README.md`).
 * @module
 */
import { isOffsetDataset, offsetUnit } from "@vinsar/core";
import type { CompareHints } from "./suite.ts";

/** Share of values that must agree (README: "on at least 99.9% of values"). */
export const AGREEMENT_FRACTION = 0.999;

/** Outside the per-value tolerance, every value must still be within this factor of it. */
export const HUNDREDFOLD = 100;

/** Periodic phases are compared only where MintPy's amplitude exceeds this (metres). */
export const MIN_PHASE_AMPLITUDE = 1e-3;

/** Default relative part of the `*Std` rule (0.1%), overridden by the `std_rel_tol` hint. */
export const STD_REL_TOL = 1e-3;

/**
 * How one dataset is compared.
 * - `numeric`: per value `|ours - mintpy| <= max(abs, rel * |mintpy|)`.
 * - `phase`: angles in radians, difference wrapped to (-pi, pi], only where MintPy's
 *   `amplitude` dataset exceeds {@link MIN_PHASE_AMPLITUDE}.
 * - `statisticalParam`: bootstrap mean; within 0.25 x MintPy's `std` dataset.
 * - `statisticalStd`: bootstrap std; per-pixel ratio ours / MintPy's.
 * - `covariance`: a (date, date, y, x) covariance; per value `|ours - mintpy| <= rel * peak`
 *   with `peak` the largest |entry| of MintPy's at that pixel (hint `cov_rel_tol`).
 * - `strings`: equal strings (e.g. `date`).
 * - `unknown`: no rule: reported as a failure so nobody silently ignores a new dataset.
 */
export type Rule =
  | { kind: "numeric"; abs: number; rel: number; label: string }
  | { kind: "phase"; abs: number; amplitude: string; label: string }
  | { kind: "statisticalParam"; std: string; label: string }
  | { kind: "statisticalStd"; label: string }
  | { kind: "covariance"; rel: number; label: string }
  | { kind: "strings"; label: string }
  | { kind: "unknown"; label: string };

/** A tolerance as people write it: `1e-5`, `0.5`. */
export function formatTolerance(x: number): string {
  return x < 0.01 ? x.toExponential() : String(x);
}

function numeric(abs: number, rel = 0): Rule {
  const label = rel > 0
    ? `${formatTolerance(abs)} abs or ${formatTolerance(rel)} rel`
    : formatTolerance(abs);
  return { kind: "numeric", abs, rel, label };
}

/**
 * The rule for dataset `name` of a MintPy output file.
 *
 * @param name dataset name in MintPy's file (e.g. `velocityStd`, `annualPhase`).
 * @param refDatasets every dataset name of MintPy's file (pairs a phase with its amplitude,
 *   a bootstrap parameter with its Std).
 * @param hints the case's `compare` hints.
 * @param isString true when MintPy's dataset holds strings.
 */
export function ruleFor(
  name: string,
  refDatasets: readonly string[],
  hints: CompareHints,
  isString = false,
): Rule {
  if (isString || name === "date") return { kind: "strings", label: "equal strings" };
  // bperp (m) is float32 from MintPy's float32 least squares over ifgram baselines of up
  // to a few hundred metres: 0.1% relative, with a 1 mm floor for the zero first date.
  if (name === "bperp") return numeric(1e-3, 1e-3);
  // Residual files (timeseriesResidual*.h5, resid.h5, *_ramp.h5) hold `timeseries` too.
  if (name === "timeseries") return numeric(1e-5);
  if (name === "temporalCoherence") return numeric(1e-4);
  // The quality output of offsets (pixels), a norm of residuals like the temporal coherence.
  if (name === "residual") return numeric(1e-4);
  if (name === "mask") return numeric(0.5);
  if (name.endsWith("Std")) {
    if (hints.statistical) return { kind: "statisticalStd", label: "bootstrap std ratio" };
    return numeric(1e-5, hints.stdRelTol ?? STD_REL_TOL);
  }
  if (hints.statistical && refDatasets.includes(`${name}Std`)) {
    return { kind: "statisticalParam", std: `${name}Std`, label: `0.25 x MintPy's ${name}Std` };
  }
  if (name.endsWith("Phase")) {
    return {
      kind: "phase",
      abs: 1e-3,
      amplitude: name.replace(/Phase$/, "Amplitude"),
      label: `1e-3 rad where amplitude > ${MIN_PHASE_AMPLITUDE} m`,
    };
  }
  if (name.endsWith("Amplitude")) return numeric(1e-5);
  if (
    name === "intercept" || name === "velocity" || name === "residue" ||
    /^step\d/.test(name) || /^velocityPost\d/.test(name)
  ) return numeric(1e-5);
  // Higher polynomial terms (`poly3`, ...) are as ill-conditioned as the acceleration.
  if (name === "acceleration" || /^(exp|log)\d/.test(name) || /^poly\d+$/.test(name)) {
    return numeric(1e-4);
  }
  return { kind: "unknown", label: "no tolerance rule" };
}

/**
 * The `cov_rel_tol` rule for a dataset of MintPy's shape `shape`, or null when it does not
 * apply: the hint is set and the dataset is a (date, date, y, x) covariance.
 * @example
 * ```ts
 * import { covarianceRule } from "./tolerance.ts";
 * covarianceRule([30, 30, 60, 80], { statistical: false, skip: [], covRelTol: 1e-3 })?.kind;
 * // "covariance"
 * ```
 */
export function covarianceRule(shape: readonly number[], hints: CompareHints): Rule | null {
  if (hints.covRelTol === undefined || shape.length !== 4 || shape[0] !== shape[1]) return null;
  return {
    kind: "covariance",
    rel: hints.covRelTol,
    label: `${formatTolerance(hints.covRelTol)} of the pixel's largest |entry|`,
  };
}

/**
 * The rule of an offset inversion's `timeseries` (MintPy's `mintpy.networkInversion.
 * obsDatasetName` attribute names an offset dataset), or null: 1e-5 of an offset pixel in
 * metres (never under the README's 1e-5 m). MintPy inverts offsets in pixels in float32
 * (`scipy.linalg.lstsq` on float32 arrays: LAPACK `sgelsd`), then multiplies by the pixel
 * size (2-15 m). In `inv-offset-az` a float32 re-implementation of MintPy's per-pixel solve
 * (scipy 1.10, OpenBLAS 0.3.21, as the suite's MintPy) reproduces all 144,000 of MintPy's
 * values bit for bit, while the float64 least squares of the same float32 inputs (which
 * vinsar matches within 1e-6 m) differs from them by up to 3.2e-5 m (2.5e-6 pixel), more than
 * 1e-5 m on 0.30% of values: spread over 63 ordinary pixels, growing with the date (the
 * velocity errors accumulate), none with a different mask or offset count. The float32
 * cumulative sum and metre conversion account for at most 1.9e-6 m of it; the solve for the
 * rest. `inv-offset-rg` (2.3 m pixels) stays within 8.6e-6 m.
 * @param refAttrs root attributes of MintPy's file.
 */
export function offsetTimeseriesRule(name: string, refAttrs: Record<string, string>): Rule | null {
  const obs = refAttrs["mintpy.networkInversion.obsDatasetName"];
  if (name !== "timeseries" || obs === undefined || !isOffsetDataset(obs)) return null;
  let pixel: number;
  try {
    pixel = offsetUnit(refAttrs, obs)?.pixelSize ?? 1;
  } catch {
    return null;
  }
  const abs = Math.max(1e-5, 1e-5 * pixel);
  return { kind: "numeric", abs, rel: 0, label: `1e-5 pixel (${formatTolerance(abs)} m)` };
}
