/**
 * Interferogram weights from spatial coherence, as MintPy's network inversion computes
 * them: `var` (inverse phase variance of distributed scatterers, Tough et al. 1995, through
 * a lookup table), `fim` (Fisher information), `coh` (coherence itself) and `no`.
 * Values follow MintPy's precision: weights are rounded to float32 and their square root
 * is taken in float32.
 * @module
 */
import { InputError } from "./errors.ts";

/** MintPy's weight functions (`-w/--weight-func`). */
export type WeightFunc = "var" | "fim" | "coh" | "no";

/** The weight function names MintPy accepts. */
export const WEIGHT_FUNCS: readonly WeightFunc[] = ["var", "fim", "coh", "no"];

/** Coherence below this (and NaN) is raised to it before weighting (MintPy's epsilon). */
export const MIN_WEIGHT_COHERENCE: number = Math.fround(0.05);

/** Step of the coherence axis of the variance lookup table. */
const COH_STEP = 0.005;

/**
 * Number of independent looks for the weights: `NCORRLOOKS` when present, else
 * `ALOOKS * RLOOKS / 1.94` (Sentinel-1 IW resolution over pixel size), rounded half to
 * even like numpy's `rint`, at least 1.
 * @throws InputError when neither NCORRLOOKS nor ALOOKS/RLOOKS is usable.
 */
export function independentLooks(attrs: Record<string, string>): number {
  let L: number;
  if (attrs.NCORRLOOKS !== undefined) L = Number(attrs.NCORRLOOKS);
  else {
    const a = parseInt(attrs.ALOOKS ?? "", 10), r = parseInt(attrs.RLOOKS ?? "", 10);
    L = (a * r) / 1.94;
  }
  if (!Number.isFinite(L)) {
    throw new InputError(
      "attributes ALOOKS/RLOOKS (or NCORRLOOKS) are missing or not numbers: needed for weights",
    );
  }
  return Math.max(roundHalfEven(L), 1);
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x), d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** numpy's `linspace(start, stop, num)`: `start + i * step`, the last point exactly `stop`. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * Coherence axis of the lookup table: the centres of 200 bins of width 0.005 on (0, 1].
 */
export function coherenceLutAxis(): Float64Array {
  const num = Math.trunc(1 / COH_STEP);
  const c = linspace(COH_STEP, 1, num);
  for (let i = 0; i < num; i++) c[i] = c[i]! - COH_STEP / 2;
  return c;
}

/**
 * Phase variance (rad^2) of distributed scatterers with `L` looks at each coherence of
 * `coherence`: the marginal phase PDF (Tough et al. 1995, eq. 66; Hanssen 2001, eq.
 * 4.2.23) integrated numerically on as many phase samples over [-pi, pi] as there are
 * coherence values, as MintPy does. Non-positive results (coherence near 1) take the
 * smallest positive one.
 * @param phiNum Number of phase samples (default: as many as coherence values, MintPy's).
 */
export function phaseVarianceDs(
  L: number,
  coherence: Float64Array,
  phiNum = coherence.length,
): Float64Array {
  const num = coherence.length;
  const phi = linspace(-Math.PI, Math.PI, phiNum);
  const phiStep = (2 * Math.PI) / phiNum;
  // gamma(2L-1) / (gamma(L)^2 2^(2(L-1))) = C(2L-2, L-1) / 4^(L-1), as a product.
  let B = 1;
  for (let i = 1; i <= L - 1; i++) B *= (L - 1 + i) / (4 * i);
  // D_r = gamma(L-1/2)/gamma(L-1/2-r) * gamma(L-1-r)/gamma(L-1) = prod_{i=1..r} (L-1/2-i)/(L-1-i)
  const dCoef = new Float64Array(Math.max(0, L - 1));
  for (let r = 0, c = 1; r < L - 1; r++) {
    if (r > 0) c *= (L - 0.5 - r) / (L - 1 - r);
    dCoef[r] = c;
  }
  const variance = new Float64Array(num);
  for (let j = 0; j < num; j++) {
    const g = coherence[j]!;
    const A = Math.pow(1 - g * g, L) / (2 * Math.PI);
    let sum = 0;
    for (let i = 0; i < phiNum; i++) {
      const beta = Math.abs(g) * Math.cos(phi[i]!);
      const ob = 1 - beta * beta;
      let C = ((2 * L - 1) * beta) / Math.pow(ob, L + 0.5);
      C *= Math.PI / 2 + Math.asin(beta);
      C += 1 / Math.pow(ob, L);
      let sumD = 0;
      if (L > 1) {
        for (let r = 0; r < L - 1; r++) {
          sumD += (dCoef[r]! * (1 + (2 * r + 1) * beta * beta)) / Math.pow(ob, r + 2);
        }
        sumD /= 2 * (L - 1);
      }
      const pdf = A * (B * C + sumD);
      sum += phi[i]! * phi[i]! * pdf * phiStep;
    }
    variance[j] = sum;
  }
  let minPos = Infinity;
  for (const v of variance) if (v > 0 && v < minPos) minPos = v;
  if (minPos === Infinity) minPos = 2.220446049250313e-16;
  for (let j = 0; j < num; j++) if (!(variance[j]! > 0)) variance[j] = minPos;
  return variance;
}

/**
 * What the network inversion needs of a weighting: the square-root weight of each
 * observation from a per-observation value (coherence for phase, the offset Std for
 * offsets), as MintPy computes it.
 */
export interface ObservationWeights {
  /** True when every weight is 1 (`-w no`): no weight dataset is read. */
  readonly unweighted: boolean;
  /** The float32 square-root weight of one value (NaN handled as MintPy does). */
  sqrtWeight(value: number): number;
  /** The weight of the normal equations (the square of {@link sqrtWeight}) of one value. */
  squaredWeightFunction(): (value: number) => number;
}

/**
 * Converts coherence into MintPy's float32 square-root weights for one weight function and
 * number of looks. `var` uses a 200-bin lookup table built once (looks capped at 80).
 */
export class CoherenceWeights implements ObservationWeights {
  readonly func: WeightFunc;
  readonly looks: number;
  readonly #lut: Float32Array | null;
  readonly #cohMin: number;
  readonly #cohMax: number;

  /** @throws InputError for an unknown weight function name. */
  constructor(func: string, looks: number) {
    if (!WEIGHT_FUNCS.includes(func as WeightFunc)) {
      throw new InputError(
        `flag -w/--weight-func: invalid choice "${func}" (choose from ${WEIGHT_FUNCS.join(", ")})`,
      );
    }
    this.func = func as WeightFunc;
    this.looks = Math.max(1, Math.trunc(looks));
    const axis = coherenceLutAxis();
    this.#cohMin = axis.reduce((a, b) => Math.min(a, b));
    this.#cohMax = axis.reduce((a, b) => Math.max(a, b));
    if (this.func === "var") {
      const variance = phaseVarianceDs(Math.min(this.looks, 80), axis);
      this.#lut = new Float32Array(variance.length);
      for (let i = 0; i < variance.length; i++) {
        this.#lut[i] = Math.sqrt(Math.fround(1 / variance[i]!));
      }
    } else this.#lut = null;
  }

  /** True for `no`: the inversion is unweighted. */
  get unweighted(): boolean {
    return this.func === "no";
  }

  /** The float32 square-root weight of one coherence value (NaN counts as 0). */
  sqrtWeight(coherence: number): number {
    let c = coherence;
    if (!(c >= MIN_WEIGHT_COHERENCE)) c = MIN_WEIGHT_COHERENCE;
    switch (this.func) {
      case "var": {
        if (c < this.#cohMin) c = this.#cohMin;
        if (c > this.#cohMax) c = this.#cohMax;
        return this.#lut![Math.trunc((c - this.#cohMin) / COH_STEP)]!;
      }
      case "fim": {
        if (c > 1 - 1e-3) c = 1 - 1e-3;
        return Math.fround(Math.sqrt(Math.fround((2 * this.looks * (c * c)) / (1 - c * c))));
      }
      case "coh":
        return Math.fround(Math.sqrt(c));
      default:
        return 1;
    }
  }

  /**
   * A function from coherence to the weight used in the normal equations: the square of
   * the float32 square-root weight, as a float64 (NaN coherence counts as 0). Specialized
   * per weight function so hot loops can inline it.
   */
  squaredWeightFunction(): (coherence: number) => number {
    if (this.func === "var") {
      const lut = Float64Array.from(this.#lut!, (v) => v * v);
      const lo = this.#cohMin, hi = this.#cohMax, eps = MIN_WEIGHT_COHERENCE;
      return (coherence: number): number => {
        let c = coherence >= eps ? coherence : eps;
        if (c < lo) c = lo;
        if (c > hi) c = hi;
        return lut[Math.trunc((c - lo) / COH_STEP)]!;
      };
    }
    if (this.func === "no") return () => 1;
    return (coherence: number): number => {
      const s = this.sqrtWeight(coherence);
      return s * s;
    };
  }

  /**
   * Replace coherence by the square-root weight, in place.
   * @param data Coherence values (any layout), overwritten with float32 square-root weights.
   */
  apply(data: Float32Array): void {
    for (let i = 0; i < data.length; i++) data[i] = this.sqrtWeight(data[i]!);
  }
}
