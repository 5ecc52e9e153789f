/**
 * I/O-free comparison of vinsar's arrays with MintPy's, by the reference suite's rules.
 *
 * Arrays arrive in slabs (a row block at a time, any numeric typed array); the checks
 * accumulate counts so a dataset larger than memory can be compared slab by slab.
 * @module
 */
import { AGREEMENT_FRACTION, HUNDREDFOLD } from "./tolerance.ts";

/** The outcome of comparing one dataset (or one text file). */
export interface Verdict {
  /** `file` or `file:dataset`. */
  what: string;
  passed: boolean;
  /** One line: the rule and the numbers that decided. */
  message: string;
  /** The statistics behind the message, when numeric. */
  stats?: ToleranceStats | StdRatioStats;
}

/** Counts of a {@link ToleranceCheck}. */
export interface ToleranceStats {
  /** Values compared (inside the include mask). */
  compared: number;
  /** Values within tolerance (NaN on both sides counts as within). */
  within: number;
  /** Values NaN on exactly one side. */
  nanMismatch: number;
  /** Values beyond {@link HUNDREDFOLD} x the tolerance. */
  beyondHundredfold: number;
  /** Largest |ours - mintpy| over values finite on both sides (wrapped for angles). */
  maxAbsErr: number;
  /** Flat index of the value most beyond its tolerance (or of the largest error). */
  worstIndex: number;
  worstOurs: number;
  worstRef: number;
  /** Fraction of compared values within tolerance (1 when none compared). */
  fractionWithin: number;
  passed: boolean;
}

/** Options of a {@link ToleranceCheck}. */
export interface ToleranceOptions {
  /** Absolute tolerance. */
  abs: number;
  /** Relative tolerance: a value passes within `max(abs, rel * |mintpy|)`. Default 0. */
  rel?: number;
  /** Angles in radians: differences are wrapped to (-pi, pi]. */
  wrap?: boolean;
  /** Enforce "within 100 x the tolerance everywhere" (default true). */
  hundredfold?: boolean;
}

/** Wrap an angle difference (radians) to (-pi, pi]. */
export function wrapAngle(d: number): number {
  const twoPi = 2 * Math.PI;
  const w = d - twoPi * Math.round(d / twoPi);
  return w <= -Math.PI ? w + twoPi : w;
}

/**
 * Accumulates the README's numeric rule over slabs: within tolerance on at least 99.9%
 * of values, within 100 x everywhere, NaN exactly where MintPy has NaN on 99.9%.
 */
export class ToleranceCheck {
  readonly #abs: number;
  readonly #rel: number;
  readonly #wrap: boolean;
  readonly #hundredfold: boolean;
  #compared = 0;
  #within = 0;
  #nanMismatch = 0;
  #beyond = 0;
  #maxAbsErr = 0;
  #worstRatio = -1;
  #worstIndex = -1;
  #worstOurs = NaN;
  #worstRef = NaN;

  constructor(opts: ToleranceOptions) {
    this.#abs = opts.abs;
    this.#rel = opts.rel ?? 0;
    this.#wrap = opts.wrap ?? false;
    this.#hundredfold = opts.hundredfold ?? true;
  }

  /**
   * Add one slab.
   * @param ours vinsar's values, length n.
   * @param ref MintPy's values, length n.
   * @param offset flat index of the slab's first value in the whole dataset.
   * @param include optional mask, length n: only non-zero entries are compared.
   * @param tolerance optional per-value tolerance, length n (replaces abs/rel).
   */
  add(
    ours: ArrayLike<number>,
    ref: ArrayLike<number>,
    offset = 0,
    include?: ArrayLike<number>,
    tolerance?: ArrayLike<number>,
  ): void {
    if (ours.length !== ref.length) {
      throw new RangeError(`Slab lengths differ: ${ours.length} vs ${ref.length}`);
    }
    for (let i = 0; i < ref.length; i++) {
      if (include && !include[i]) continue;
      this.#compared++;
      const a = ours[i]!;
      const b = ref[i]!;
      const nanA = Number.isNaN(a);
      const nanB = Number.isNaN(b);
      if (nanA || nanB) {
        if (nanA && nanB) this.#within++;
        else {
          this.#nanMismatch++;
          if (this.#worstRatio < Infinity) this.#setWorst(Infinity, offset + i, a, b);
        }
        continue;
      }
      // a === b also settles equal infinities, whose difference is NaN.
      const err = a === b ? 0 : Math.abs(this.#wrap ? wrapAngle(a - b) : a - b);
      const tol = tolerance ? tolerance[i]! : Math.max(this.#abs, this.#rel * Math.abs(b));
      if (err <= tol) this.#within++;
      if (err > HUNDREDFOLD * tol || Number.isNaN(err)) this.#beyond++;
      if (err > this.#maxAbsErr || Number.isNaN(err)) this.#maxAbsErr = err;
      const ratio = err === 0 ? 0 : tol > 0 ? err / tol : Infinity;
      if (ratio > this.#worstRatio) this.#setWorst(ratio, offset + i, a, b);
    }
  }

  #setWorst(ratio: number, index: number, a: number, b: number): void {
    this.#worstRatio = ratio;
    this.#worstIndex = index;
    this.#worstOurs = a;
    this.#worstRef = b;
  }

  /** The counts so far and the verdict. */
  stats(): ToleranceStats {
    const n = this.#compared;
    const fractionWithin = n === 0 ? 1 : this.#within / n;
    const nanAgreement = n === 0 ? 1 : 1 - this.#nanMismatch / n;
    const passed = fractionWithin >= AGREEMENT_FRACTION - 1e-12 &&
      nanAgreement >= AGREEMENT_FRACTION - 1e-12 &&
      (!this.#hundredfold || this.#beyond === 0);
    return {
      compared: n,
      within: this.#within,
      nanMismatch: this.#nanMismatch,
      beyondHundredfold: this.#hundredfold ? this.#beyond : 0,
      maxAbsErr: this.#maxAbsErr,
      worstIndex: this.#worstIndex,
      worstOurs: this.#worstOurs,
      worstRef: this.#worstRef,
      fractionWithin,
      passed,
    };
  }
}

/** Bounds of the bootstrap std-ratio rule (README, `statistical` hint). */
export const STD_RATIO = {
  medianLow: 0.9,
  medianHigh: 1.1,
  pixelLow: 0.75,
  pixelHigh: 1.33,
  maxOutsideFraction: 0.05,
  /** Where MintPy's std is 0 (masked pixels) ours must be within this of 0. */
  zeroAbs: 1e-5,
} as const;

/** Counts of a {@link StdRatioCheck}. */
export interface StdRatioStats {
  compared: number;
  /** Median of ours / MintPy's over pixels where MintPy's std is positive. */
  medianRatio: number;
  /** Pixels outside [0.75, 1.33] (or NaN on one side, or non-zero where MintPy's is 0). */
  outside: number;
  fractionOutside: number;
  passed: boolean;
}

/**
 * Accumulates the bootstrap std rule: per-pixel ratio ours / MintPy's with median in
 * [0.9, 1.1] and at most 5% of pixels outside [0.75, 1.33].
 */
export class StdRatioCheck {
  #ratios: number[] = [];
  #compared = 0;
  #outside = 0;

  /** Add one slab of vinsar's and MintPy's std values. */
  add(ours: ArrayLike<number>, ref: ArrayLike<number>): void {
    if (ours.length !== ref.length) {
      throw new RangeError(`Slab lengths differ: ${ours.length} vs ${ref.length}`);
    }
    for (let i = 0; i < ref.length; i++) {
      this.#compared++;
      const a = ours[i]!;
      const b = ref[i]!;
      if (Number.isNaN(a) || Number.isNaN(b)) {
        if (!(Number.isNaN(a) && Number.isNaN(b))) this.#outside++;
        continue;
      }
      if (b > 0) {
        const r = a / b;
        this.#ratios.push(r);
        if (!(r >= STD_RATIO.pixelLow && r <= STD_RATIO.pixelHigh)) this.#outside++;
      } else if (Math.abs(a - b) > STD_RATIO.zeroAbs) {
        this.#outside++;
      }
    }
  }

  /** The counts so far and the verdict. */
  stats(): StdRatioStats {
    const medianRatio = median(this.#ratios);
    const n = this.#compared;
    const fractionOutside = n === 0 ? 0 : this.#outside / n;
    const medianOk = this.#ratios.length === 0 ||
      (medianRatio >= STD_RATIO.medianLow && medianRatio <= STD_RATIO.medianHigh);
    return {
      compared: n,
      medianRatio,
      outside: this.#outside,
      fractionOutside,
      passed: medianOk && fractionOutside <= STD_RATIO.maxOutsideFraction,
    };
  }
}

/** Median of `values` (NaN when empty). Sorts a copy. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Per-value tolerance of a bootstrap parameter: 0.25 x MintPy's bootstrap std, plus one
 * float32 rounding unit of the value so that identical masked pixels (std 0) pass.
 * @param std MintPy's `<name>Std` slab; @param ref MintPy's parameter slab (same length).
 */
export function bootstrapTolerance(std: ArrayLike<number>, ref: ArrayLike<number>): Float64Array {
  const tol = new Float64Array(ref.length);
  for (let i = 0; i < ref.length; i++) {
    tol[i] = 0.25 * std[i]! + 2 ** -23 * Math.abs(ref[i]!);
  }
  return tol;
}

/**
 * Fold one slab of a (date, date, y, x) covariance into `peaks`, the largest |value| of each
 * of its `peaks.length` pixels (NaN ignored).
 * @param offset flat index of the slab's first value in the whole dataset.
 */
export function addPixelPeaks(slab: ArrayLike<number>, offset: number, peaks: Float64Array): void {
  const pixels = peaks.length;
  for (let i = 0; i < slab.length; i++) {
    const a = Math.abs(slab[i]!), p = (offset + i) % pixels;
    if (a > peaks[p]!) peaks[p] = a;
  }
}

/**
 * Per-value tolerance of a covariance slab: `rel` times the pixel's peak (see
 * {@link addPixelPeaks}).
 */
export function covarianceTolerance(
  peaks: Float64Array,
  rel: number,
  offset: number,
  length: number,
): Float64Array {
  const tol = new Float64Array(length), pixels = peaks.length;
  for (let i = 0; i < length; i++) tol[i] = rel * peaks[(offset + i) % pixels]!;
  return tol;
}

/** Include mask of a periodic phase: MintPy's amplitude above `minAmplitude` (m). */
export function amplitudeMask(amplitude: ArrayLike<number>, minAmplitude: number): Uint8Array {
  const m = new Uint8Array(amplitude.length);
  for (let i = 0; i < amplitude.length; i++) m[i] = amplitude[i]! > minAmplitude ? 1 : 0;
  return m;
}

/** Flat C-order index to per-dimension indices. */
export function unravelIndex(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    out[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(4) : x.toExponential(2);
}

function pct(f: number): string {
  // Floor, so that 99.9996% never prints as a misleading 100%.
  return f === 1 ? "100%" : f === 0 ? "0%" : `${(Math.floor(f * 1e5) / 1e3).toFixed(3)}%`;
}

/** One-line description of tolerance statistics for dataset `what` of shape `shape`. */
export function describeTolerance(
  what: string,
  label: string,
  s: ToleranceStats,
  shape: readonly number[],
): Verdict {
  const parts = [`${pct(s.fractionWithin)} within ${label}`, `max |err| ${fmt(s.maxAbsErr)}`];
  if (s.worstIndex >= 0 && (!s.passed || s.maxAbsErr > 0)) {
    parts.push(
      `worst [${unravelIndex(s.worstIndex, shape).join(",")}] ours ${fmt(s.worstOurs)} MintPy ${
        fmt(s.worstRef)
      }`,
    );
  }
  if (s.nanMismatch > 0) parts.push(`NaN mismatch ${s.nanMismatch}/${s.compared}`);
  if (s.beyondHundredfold > 0) parts.push(`${s.beyondHundredfold} beyond 100x`);
  if (s.compared === 0) parts.push("nothing to compare");
  return { what, passed: s.passed, message: parts.join(", "), stats: s };
}

/** One-line description of bootstrap std-ratio statistics. */
export function describeStdRatio(what: string, s: StdRatioStats): Verdict {
  return {
    what,
    passed: s.passed,
    message: `std ratio median ${
      fmt(s.medianRatio)
    } (need [${STD_RATIO.medianLow}, ${STD_RATIO.medianHigh}]), ${
      pct(s.fractionOutside)
    } of pixels outside [${STD_RATIO.pixelLow}, ${STD_RATIO.pixelHigh}]${
      s.passed ? "" : ` (max ${STD_RATIO.maxOutsideFraction * 100}%)`
    }`,
    stats: s,
  };
}

/** Compare two string lists (e.g. `date` datasets) for equality. */
export function compareStrings(what: string, ours: string[], ref: string[]): Verdict {
  if (ours.length !== ref.length) {
    return { what, passed: false, message: `${ours.length} strings, MintPy has ${ref.length}` };
  }
  const i = ref.findIndex((r, k) => ours[k] !== r);
  if (i >= 0) {
    return {
      what,
      passed: false,
      message: `string ${i} differs: ours "${ours[i]}", MintPy "${ref[i]}"`,
    };
  }
  return { what, passed: true, message: `${ref.length} strings equal` };
}

/** Root attributes compared when MintPy sets them (README). */
export const KEY_ATTRIBUTES = [
  "FILE_TYPE",
  "UNIT",
  "LENGTH",
  "WIDTH",
  "REF_DATE",
  "REF_Y",
  "REF_X",
  "START_DATE",
  "END_DATE",
  "DATE12",
] as const;

/**
 * Compare the key attributes MintPy sets (those it lacks are not checked).
 * @returns one failing verdict per mismatch, or a single passing one.
 */
export function compareAttributes(
  what: string,
  ours: Record<string, string>,
  ref: Record<string, string>,
): Verdict {
  const bad: string[] = [];
  let checked = 0;
  for (const key of KEY_ATTRIBUTES) {
    if (!(key in ref)) continue;
    checked++;
    if (!(key in ours)) bad.push(`${key} missing (MintPy "${ref[key]}")`);
    else if (ours[key] !== ref[key]) bad.push(`${key} "${ours[key]}" vs MintPy "${ref[key]}"`);
  }
  return bad.length
    ? { what, passed: false, message: `attributes: ${bad.join("; ")}` }
    : { what, passed: true, message: `${checked} key attributes equal` };
}
