/**
 * The true deformation of a simulated scene, in metres along the line of sight (positive
 * towards the satellite, MintPy's sign): a Mogi point source inflating at a steady rate
 * that deflates in one step at an eruption date, a subsiding basin with a seasonal (annual)
 * cycle, and a planar regional trend. Per pixel it is
 * `d(t) = v t + S H(t > t_step) + s sin(2 pi t) + c (cos(2 pi t) - 1)`, with t MintPy's
 * decimal years since the first date, so `d(0) = 0`; everything is relative to the
 * reference pixel (zero there), as an inversion referenced to it recovers.
 * @module
 */

/** Settings of the deformation sources (metres, metres per year). */
export interface DeformationOptions {
  /** Peak uplift rate of the Mogi source, m/year. Default 0.04. */
  inflationRate?: number;
  /** Peak LOS step at the eruption (negative: deflation), m. Default -0.08. */
  eruptionStep?: number;
  /** Peak subsidence rate of the basin, m/year (negative: down). Default -0.03. */
  subsidenceRate?: number;
  /** Peak annual amplitude in the basin, m. Default 0.012. */
  seasonalAmplitude?: number;
  /** Regional trend: velocity difference across the image, m/year. Default 0.008. */
  trend?: number;
  /** Incidence angle, degrees. Default 34. */
  incidence?: number;
}

/** Per-pixel coefficients of the model: velocity, step, sine and cosine amplitudes. */
export interface DeformationCoefficients {
  /** m/year */
  velocity: Float32Array;
  /** m */
  step: Float32Array;
  /** m, coefficient of sin(2 pi t) */
  sin: Float32Array;
  /** m, coefficient of cos(2 pi t) */
  cos: Float32Array;
}

/** A Mogi point source's normalised LOS displacement pattern: 1 above the source. */
export class MogiPattern {
  readonly cy: number;
  readonly cx: number;
  readonly depth: number;
  readonly #cosInc: number;
  readonly #sinInc: number;

  /** Source below pixel (cy, cx) at `depth` pixels; `incidence` in degrees. */
  constructor(cy: number, cx: number, depth: number, incidence = 34) {
    this.cy = cy;
    this.cx = cx;
    this.depth = depth;
    this.#cosInc = Math.cos((incidence * Math.PI) / 180);
    this.#sinInc = Math.sin((incidence * Math.PI) / 180);
  }

  /**
   * LOS displacement at (y, x) over the peak vertical one: `cos(inc) uz - sin(inc) ux` with
   * uz = d^3 / R^3, ur = d^2 r / R^3 (R the distance to the source), the horizontal part
   * projected on the range direction (x grows away from the satellite), divided by cos(inc).
   */
  at(y: number, x: number): number {
    const dy = y - this.cy, dx = x - this.cx, d = this.depth;
    const R2 = dy * dy + dx * dx + d * d;
    const R3 = R2 * Math.sqrt(R2);
    const uz = (d * d * d) / R3;
    const ux = (d * d * dx) / R3;
    return (this.#cosInc * uz - this.#sinInc * ux) / this.#cosInc;
  }
}

/** Where the sources are and how strong (resolved {@link DeformationOptions}). */
export class DeformationModel {
  readonly length: number;
  readonly width: number;
  readonly mogi: MogiPattern;
  readonly basin: { cy: number; cx: number; sigma: number };
  readonly inflationRate: number;
  readonly eruptionStep: number;
  readonly subsidenceRate: number;
  readonly seasonalAmplitude: number;
  /** Phase of the annual cycle (rad): MintPy's `annualPhase` of the basin. */
  readonly seasonalPhase: number;
  readonly trendY: number;
  readonly trendX: number;
  #ref: [number, number, number, number] = [0, 0, 0, 0];

  /** @param trendSigns Signs (+-1) of the trend along rows and columns. */
  constructor(
    length: number,
    width: number,
    opts: DeformationOptions = {},
    trendSigns: [number, number] = [1, -1],
  ) {
    this.length = length;
    this.width = width;
    const m = Math.min(length, width);
    this.mogi = new MogiPattern(
      0.45 * (length - 1),
      0.55 * (width - 1),
      Math.max(1, 0.1 * m),
      opts.incidence ?? 34,
    );
    this.basin = { cy: 0.7 * (length - 1), cx: 0.32 * (width - 1), sigma: Math.max(1, 0.12 * m) };
    this.inflationRate = opts.inflationRate ?? 0.04;
    this.eruptionStep = opts.eruptionStep ?? -0.08;
    this.subsidenceRate = opts.subsidenceRate ?? -0.03;
    this.seasonalAmplitude = opts.seasonalAmplitude ?? 0.012;
    this.seasonalPhase = 0.6;
    const trend = opts.trend ?? 0.008;
    this.trendY = trendSigns[0] * trend * 0.6;
    this.trendX = trendSigns[1] * trend * 0.8;
  }

  /** Unreferenced coefficients [velocity, step, sin, cos] at pixel (y, x). */
  rawAt(y: number, x: number): [number, number, number, number] {
    const mogi = this.mogi.at(y, x);
    const b = this.basin;
    const r2 = ((y - b.cy) ** 2 + (x - b.cx) ** 2) / (b.sigma * b.sigma);
    const bowl = Math.exp(-0.5 * r2);
    const season = Math.exp(-0.5 * r2 / 2.25);
    const v = this.inflationRate * mogi + this.subsidenceRate * bowl +
      this.trendY * (y / Math.max(1, this.length - 1)) +
      this.trendX * (x / Math.max(1, this.width - 1));
    const A = this.seasonalAmplitude * season;
    // A sin(2 pi t + phi) = A cos(phi) sin(2 pi t) + A sin(phi) cos(2 pi t).
    return [
      v,
      this.eruptionStep * mogi,
      A * Math.cos(this.seasonalPhase),
      A * Math.sin(this.seasonalPhase),
    ];
  }

  /** Make pixel (y, x) the reference: its coefficients are subtracted everywhere. */
  setReference(y: number, x: number): void {
    this.#ref = this.rawAt(y, x);
  }

  /** Referenced coefficients of rows `row0..row1` (each array rows * width). */
  coefficientsRows(
    row0: number,
    row1: number,
    out?: DeformationCoefficients,
  ): DeformationCoefficients {
    const n = (row1 - row0) * this.width;
    const o = out ?? {
      velocity: new Float32Array(n),
      step: new Float32Array(n),
      sin: new Float32Array(n),
      cos: new Float32Array(n),
    };
    const [rv, rs, rsin, rcos] = this.#ref;
    for (let y = row0, i = 0; y < row1; y++) {
      for (let x = 0; x < this.width; x++, i++) {
        const [v, s, a, c] = this.rawAt(y, x);
        o.velocity[i] = v - rv;
        o.step[i] = s - rs;
        o.sin[i] = a - rsin;
        o.cos[i] = c - rcos;
      }
    }
    return o;
  }

  /**
   * Displacement (m) of dates `n0..n1` over rows `row0..row1`: `(n1 - n0) x rows x width`
   * into `out` (allocated when omitted).
   * @param tYears Time of each date, decimal years since the first date (MintPy's convention).
   * @param stepped 1 for dates after the eruption, 0 before.
   */
  displacementRows(
    coef: DeformationCoefficients,
    tYears: ArrayLike<number>,
    stepped: ArrayLike<number>,
    n0: number,
    n1: number,
    out?: Float32Array,
  ): Float32Array {
    const { velocity, step, sin, cos } = coef;
    const P = velocity.length;
    const o = out ?? new Float32Array((n1 - n0) * P);
    for (let n = n0; n < n1; n++) {
      const t = tYears[n]!, h = stepped[n]!;
      const sn = Math.sin(2 * Math.PI * t), cs = Math.cos(2 * Math.PI * t) - 1;
      const base = (n - n0) * P;
      for (let p = 0; p < P; p++) {
        o[base + p] = velocity[p]! * t + step[p]! * h + sin[p]! * sn + cos[p]! * cs;
      }
    }
    return o;
  }
}
