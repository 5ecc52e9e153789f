/**
 * Phase-ramp removal as MintPy's `objects/ramp.py` does it, streamed over row blocks and
 * vectorized over dates.
 *
 * For each date MintPy fits a plane or quadric `G x = d` by least squares over the pixels
 * that are inside the mask and whose value is neither NaN nor zero (uniformly sub-sampled
 * when there are more than `maxSamples` of them), subtracts the ramp's value at the
 * reference pixel (`REF_Y`, `REF_X`) from the ramp, and removes it from every pixel except
 * those whose value is exactly zero.
 *
 * The normal matrix `G^T G` of a date depends only on which pixels are valid that date, so
 * it is built from image moments `sum u^a v^b` over the mask minus the (usually few) masked
 * pixels that are NaN or zero that date. The right-hand sides `G^T d` of all dates are the
 * sums of each data row `(date, row)` against the column powers `u^a`, later combined with
 * the row powers `v^b`; one {@link Solver.rampRowSums} call gives them for a chunk of rows,
 * with the column moments of each row's bad pixels. Coordinates are centred and scaled to
 * [-1, 1]: the fitted ramp is the same as with MintPy's raw pixel indices (both span the
 * same space) and the small normal systems stay well conditioned for images of any size.
 *
 * @module
 */
import type { Solver } from "./solver.ts";
import { solveSymmetricPinv } from "./symmetric_pinv.ts";

/** Ramp names accepted by MintPy's `deramp` (and `-r/--ramp` of `timeseries_rms.py`). */
export const RAMP_TYPES = [
  "linear",
  "linear_range",
  "linear_azimuth",
  "quadratic",
  "quadratic_range",
  "quadratic_azimuth",
] as const;

/** A ramp name of {@link RAMP_TYPES}. */
export type RampType = (typeof RAMP_TYPES)[number];

/** Design-matrix columns as [power of y (row), power of x (column)], in MintPy's order. */
const TERMS: Record<RampType, ReadonlyArray<readonly [number, number]>> = {
  linear: [[1, 0], [0, 1], [0, 0]],
  quadratic: [[2, 0], [0, 2], [1, 1], [1, 0], [0, 1], [0, 0]],
  linear_range: [[0, 1], [0, 0]],
  linear_azimuth: [[1, 0], [0, 0]],
  quadratic_range: [[0, 2], [0, 1], [0, 0]],
  quadratic_azimuth: [[2, 0], [1, 0], [0, 0]],
};

/** True when `name` is one of {@link RAMP_TYPES}. */
export function isRampType(name: string): name is RampType {
  return (RAMP_TYPES as readonly string[]).includes(name);
}

/**
 * The ramp's design-matrix columns as `[yPower, xPower]` pairs in MintPy's column order,
 * e.g. quadratic: y^2, x^2, y*x, y, x, 1.
 */
export function rampTerms(ramp: RampType): ReadonlyArray<readonly [number, number]> {
  return TERMS[ramp];
}

/** MintPy's default `max_num_sample`: above this many valid pixels a date is sub-sampled. */
export const MAX_RAMP_SAMPLES = 1e6;

/**
 * MintPy's uniform sub-sampling step for a date with `count` valid pixels:
 * `ceil(sqrt(count / maxSamples))` when `count > maxSamples`, else 1 (every pixel).
 */
export function sampleStep(count: number, maxSamples: number = MAX_RAMP_SAMPLES): number {
  if (!(maxSamples > 0) || !(count > maxSamples)) return 1;
  return Math.max(1, Math.ceil(Math.sqrt(count / maxSamples)));
}

/** Whether row or column index `i` is kept by sub-sampling step `s` (`[s//2::s]`). */
export function keptBySample(i: number, s: number): boolean {
  if (s <= 1) return true;
  const o = Math.floor(s / 2);
  return i >= o && (i - o) % s === 0;
}

/** Status of a date's ramp fit. */
export const RampStatus = {
  /** Solved: the normal matrix has full rank. */
  ok: 0,
  /** Rank-deficient (too few or collinear pixels): minimum-norm solution, like `pinv`. */
  underdetermined: 1,
  /** No valid pixel: the ramp is zero and the date is left unchanged. */
  empty: 2,
} as const;

/** The fitted ramps of all dates. */
export interface RampFit {
  readonly ramp: RampType;
  readonly numDates: number;
  readonly length: number;
  readonly width: number;
  /** `numDates x P` coefficients on the centred, scaled coordinates (internal basis). */
  readonly coeffs: Float64Array;
  /** Per date: the ramp's value at the reference pixel, subtracted everywhere (0 if none). */
  readonly offset: Float64Array;
  /** Per date: valid pixels (mask, not NaN, not zero) before sub-sampling. */
  readonly validCount: Float64Array;
  /** Per date: pixels used in the fit (after sub-sampling). */
  readonly samples: Float64Array;
  /** Per date: sub-sampling step (1 = every valid pixel). */
  readonly step: Int32Array;
  /** Per date: a {@link RampStatus} value. */
  readonly status: Uint8Array;
}

/** Options of {@link RampNormalEquations}. */
export interface RampFitOptions {
  ramp: RampType;
  /** Dates N: the first dimension of the `(N, rows, width)` blocks. */
  numDates: number;
  /** Image rows (LENGTH). */
  length: number;
  /** Image columns (WIDTH). */
  width: number;
  /** Sub-sampling threshold, default {@link MAX_RAMP_SAMPLES} (MintPy's `max_num_sample`). */
  maxSamples?: number;
}

/** Float32 bytes of data rows per {@link Solver.rampRowSums} call of a ramp fit. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The kernel a {@link RampNormalEquations} runs on every image row ({@link Solver.rampRowSums}:
 * `numSum` column powers times sub-sampling steps, `numBad` moment powers times steps), as a
 * backend calibration shape.
 */
export function rampProbeShape(
  opts: Pick<RampFitOptions, "ramp" | "length" | "width" | "maxSamples">,
): { kind: "rampRowSums"; width: number; numSum: number; numBad: number } {
  const terms = TERMS[opts.ramp];
  const nxr = Math.max(...terms.map((t) => t[1])) + 1;
  const steps = sampleStep(opts.length * opts.width, opts.maxSamples ?? MAX_RAMP_SAMPLES);
  return {
    kind: "rampRowSums",
    width: opts.width,
    numSum: steps * nxr,
    numBad: steps * (2 * nxr - 1),
  };
}

/** Centre and half-span of an axis of `n` pixels: `u = (i - c) / h` lies in [-1, 1]. */
export function rampAxisScale(n: number): { c: number; h: number } {
  const c = (n - 1) / 2;
  return { c, h: Math.max(c, 1) };
}

/**
 * Pass 1 of deramping: accumulates, block by block, everything needed to fit every date's
 * ramp (image moments over the mask, moments of the invalid masked pixels per date, and the
 * right-hand sides per date), for the full pixel set and for each sub-sampling step a date
 * might need. Memory is O(dates x terms), independent of the image size.
 *
 * @example
 * ```ts
 * import { RampNormalEquations } from "@vinsar/core";
 * import { createTsSolver } from "@vinsar/backend-ts";
 * const eq = new RampNormalEquations({ ramp: "linear", numDates: 1, length: 2, width: 2 });
 * eq.add(createTsSolver(), new Float32Array([1, 2, 3, 4]), 0, 2, null);
 * const fit = eq.solve();
 * ```
 */
export class RampNormalEquations {
  readonly ramp: RampType;
  readonly numDates: number;
  readonly length: number;
  readonly width: number;
  readonly maxSamples: number;
  /** Candidate sub-sampling steps 1..steps (a date's step depends on its valid count). */
  readonly steps: number;

  readonly #py: Int32Array;
  readonly #px: Int32Array;
  readonly #p: number;
  /** Column powers needed by the right-hand sides (max x power + 1). */
  readonly #nxr: number;
  /** Moment powers: a < #mx for x, b < #my for y. */
  readonly #mx: number;
  readonly #my: number;
  readonly #nMom: number;
  readonly #maskMom: Float64Array;
  #maskMomentsGiven = false;
  readonly #badMom: Float64Array;
  readonly #rhs: Float64Array;
  /** `(steps * nxr) x width`: u^a where the column is kept by the step, else 0. */
  readonly #bt: Float64Array;
  /** `(steps * mx) x width`: the same for the moment powers (bad-pixel moments). */
  readonly #badBasis: Float64Array;
  /** `width x mx`: u^a of each column. */
  readonly #upow: Float64Array;
  /** `(date, row)` rows per {@link Solver.rampRowSums} call, and its outputs. */
  readonly #chunkRows: number;
  readonly #sums: Float64Array;
  readonly #bad: Float64Array;
  readonly #badCount: Int32Array;
  readonly #ys: { c: number; h: number };

  constructor(opts: RampFitOptions) {
    const { ramp, numDates, length, width } = opts;
    if (!isRampType(ramp)) throw new RangeError(`Unknown ramp type "${ramp}"`);
    if (!(numDates >= 1 && length >= 1 && width >= 1)) {
      throw new RangeError(`Bad ramp-fit size: ${numDates} dates, ${length} x ${width}`);
    }
    this.ramp = ramp;
    this.numDates = numDates;
    this.length = length;
    this.width = width;
    this.maxSamples = opts.maxSamples ?? MAX_RAMP_SAMPLES;
    this.steps = sampleStep(length * width, this.maxSamples);
    const terms = TERMS[ramp];
    this.#p = terms.length;
    this.#py = Int32Array.from(terms, (t) => t[0]);
    this.#px = Int32Array.from(terms, (t) => t[1]);
    const maxPx = Math.max(...this.#px), maxPy = Math.max(...this.#py);
    this.#nxr = maxPx + 1;
    this.#mx = 2 * maxPx + 1;
    this.#my = 2 * maxPy + 1;
    this.#nMom = this.#mx * this.#my;
    this.#maskMom = new Float64Array(this.steps * this.#nMom);
    this.#badMom = new Float64Array(this.steps * numDates * this.#nMom);
    this.#rhs = new Float64Array(this.steps * numDates * this.#p);
    const xs = rampAxisScale(width);
    this.#ys = rampAxisScale(length);
    this.#upow = new Float64Array(width * this.#mx);
    const ncol = this.steps * this.#nxr, nbad = this.steps * this.#mx;
    this.#bt = new Float64Array(ncol * width);
    this.#badBasis = new Float64Array(nbad * width);
    for (let c = 0; c < width; c++) {
      const u = (c - xs.c) / xs.h;
      let p = 1;
      for (let a = 0; a < this.#mx; a++, p *= u) this.#upow[c * this.#mx + a] = p;
      for (let si = 0; si < this.steps; si++) {
        if (!keptBySample(c, si + 1)) continue;
        for (let a = 0; a < this.#nxr; a++) {
          this.#bt[(si * this.#nxr + a) * width + c] = this.#upow[c * this.#mx + a];
        }
        for (let a = 0; a < this.#mx; a++) {
          this.#badBasis[(si * this.#mx + a) * width + c] = this.#upow[c * this.#mx + a];
        }
      }
    }
    const chunk = Math.max(64, Math.min(8192, Math.floor(CHUNK_BYTES / (4 * width))));
    this.#chunkRows = Math.min(chunk, numDates * length);
    this.#sums = new Float64Array(this.#chunkRows * ncol);
    this.#bad = new Float64Array(this.#chunkRows * nbad);
    this.#badCount = new Int32Array(this.#chunkRows);
  }

  /**
   * Add the image rows `[row0, row0 + rows)` of every date.
   * @param data `(numDates, rows, width)` float32 values, C order (an HDF5 row block).
   * @param mask `rows * width` bytes, non-zero = pixel in the mask; null = whole image.
   */
  add(
    solver: Solver,
    data: Float32Array,
    row0: number,
    rows: number,
    mask: Uint8Array | null,
  ): void {
    const W = this.width, K = this.numDates, n = rows * W;
    if (row0 < 0 || row0 + rows > this.length || data.length < K * n) {
      throw new RangeError(`Block rows [${row0}, ${row0 + rows}) do not fit the ramp fit`);
    }
    if (mask && mask.length < n) throw new RangeError("Mask block is smaller than the data block");
    const mx = this.#mx, my = this.#my, nMom = this.#nMom, upow = this.#upow;
    const vpow = new Float64Array(my);
    const colSum = new Float64Array(mx);

    // Moments of the mask pixels: the same for every date (and given when reused).
    for (let r = 0; r < rows && !this.#maskMomentsGiven; r++) {
      const y = row0 + r;
      this.#rowPowers(y, vpow);
      for (let si = 0; si < this.steps; si++) {
        const s = si + 1;
        if (!keptBySample(y, s)) continue;
        colSum.fill(0);
        for (let c = 0; c < W; c++) {
          if ((mask && mask[r * W + c] === 0) || !keptBySample(c, s)) continue;
          for (let a = 0; a < mx; a++) colSum[a] += upow[c * mx + a];
        }
        const m = si * nMom;
        for (let a = 0; a < mx; a++) {
          for (let b = 0; b < my; b++) this.#maskMom[m + a * my + b] += colSum[a] * vpow[b];
        }
      }
    }

    // Right-hand sides and bad-pixel moments: chunks of (date, row) rows, one kernel call
    // each, combined with the row powers of each row.
    const P = this.#p, nxr = this.#nxr;
    const ncol = this.steps * nxr, nbad = this.steps * mx;
    const sums = this.#sums, bad = this.#bad, badCount = this.#badCount;
    const rhs = this.#rhs, badMom = this.#badMom, px = this.#px, py = this.#py;
    const total = K * rows, C = this.#chunkRows;
    // A call covers whole dates (mask rows repeat every `rows` data rows) or, for blocks of
    // more than C rows, part of one date (the mask rows of that part, no repeat).
    const whole = rows <= C ? Math.floor(C / rows) * rows : 0;
    for (let i0 = 0, ns = 0; i0 < total; i0 += ns) {
      const r = i0 % rows;
      ns = whole ? Math.min(whole, total - i0) : Math.min(C, rows - r);
      const m = mask && !whole ? mask.subarray(r * W, (r + ns) * W) : mask;
      solver.rampRowSums(
        ns,
        W,
        data.subarray(i0 * W, (i0 + ns) * W),
        m,
        whole ? rows : ns,
        this.#bt,
        ncol,
        this.#badBasis,
        nbad,
        sums,
        bad,
        badCount,
      );
      for (let i = 0; i < ns; i++) {
        const gi = i0 + i, k = Math.floor(gi / rows), y = row0 + gi - k * rows;
        this.#rowPowers(y, vpow);
        for (let si = 0; si < this.steps; si++) {
          if (!keptBySample(y, si + 1)) continue;
          const o = (si * K + k) * P, cb = i * ncol + si * nxr;
          for (let j = 0; j < P; j++) rhs[o + j] += vpow[py[j]] * sums[cb + px[j]];
          if (badCount[i] === 0) continue;
          const m = (si * K + k) * nMom, bb = i * nbad + si * mx;
          for (let a = 0; a < mx; a++) {
            const ua = bad[bb + a];
            for (let b = 0; b < my; b++) badMom[m + a * my + b] += ua * vpow[b];
          }
        }
      }
    }
  }

  /**
   * The image moments of the mask accumulated so far (the same for every date): a later fit
   * of other dates over the same rows and mask can take them with
   * {@link RampNormalEquations.reuseMaskMoments} instead of recomputing them.
   */
  maskMoments(): Float64Array {
    return this.#maskMom.slice();
  }

  /**
   * Take the mask moments of an earlier fit of the same ramp, image, mask and rows (from
   * {@link RampNormalEquations.maskMoments}); the rows added next then skip them.
   */
  reuseMaskMoments(moments: Float64Array): void {
    if (moments.length !== this.#maskMom.length) {
      throw new RangeError("Mask moments of another ramp or sub-sampling");
    }
    this.#maskMom.set(moments);
    this.#maskMomentsGiven = true;
  }

  #rowPowers(y: number, out: Float64Array): void {
    const v = (y - this.#ys.c) / this.#ys.h;
    let p = 1;
    for (let b = 0; b < out.length; b++, p *= v) out[b] = p;
  }

  /**
   * Solve every date's normal equations (after all rows were added).
   * @param ref reference pixel (MintPy's `REF_Y`, `REF_X`): the ramp's value there is
   *   subtracted so the reference pixel keeps its value; omit for no referencing.
   */
  solve(ref?: { y: number; x: number } | null): RampFit {
    const K = this.numDates, P = this.#p, my = this.#my, nMom = this.#nMom;
    const coeffs = new Float64Array(K * P);
    const offset = new Float64Array(K);
    const validCount = new Float64Array(K);
    const samples = new Float64Array(K);
    const step = new Int32Array(K);
    const status = new Uint8Array(K);
    const nrm = new Float64Array(P * P), rhs = new Float64Array(P), x = new Float64Array(P);
    for (let k = 0; k < K; k++) {
      validCount[k] = Math.round(this.#maskMom[0] - this.#badMom[k * nMom]);
      const s = Math.min(this.steps, sampleStep(validCount[k]!, this.maxSamples));
      const si = s - 1;
      step[k] = s;
      const mm = si * nMom, bm = (si * K + k) * nMom;
      samples[k] = Math.round(this.#maskMom[mm] - this.#badMom[bm]);
      if (samples[k] === 0) {
        status[k] = RampStatus.empty;
        continue;
      }
      for (let i = 0; i < P; i++) {
        for (let j = 0; j < P; j++) {
          const a = this.#px[i] + this.#px[j], b = this.#py[i] + this.#py[j];
          nrm[i * P + j] = this.#maskMom[mm + a * my + b] - this.#badMom[bm + a * my + b];
        }
        rhs[i] = this.#rhs[(si * K + k) * P + i];
      }
      const fullRank = solveSymmetricPinv(P, nrm, rhs, x);
      status[k] = fullRank ? RampStatus.ok : RampStatus.underdetermined;
      coeffs.set(x, k * P);
    }
    const fit: RampFit = {
      ramp: this.ramp,
      numDates: K,
      length: this.length,
      width: this.width,
      coeffs,
      offset,
      validCount,
      samples,
      step,
      status,
    };
    if (ref) {
      if (!(ref.y >= 0 && ref.y < this.length && ref.x >= 0 && ref.x < this.width)) {
        throw new RangeError(
          `Reference pixel (${ref.y}, ${ref.x}) is outside the ${this.length} x ${this.width} image`,
        );
      }
      for (let k = 0; k < K; k++) offset[k] = rampValue(fit, k, ref.y, ref.x, false);
    }
    return fit;
  }
}

/**
 * Value of date `k`'s ramp at pixel (`y`, `x`); `referenced` subtracts the reference-pixel
 * value as {@link removeRamp} does.
 */
export function rampValue(
  fit: RampFit,
  k: number,
  y: number,
  x: number,
  referenced = true,
): number {
  const terms = TERMS[fit.ramp], P = terms.length;
  const xs = rampAxisScale(fit.width), ys = rampAxisScale(fit.length);
  const u = (x - xs.c) / xs.h, v = (y - ys.c) / ys.h;
  let s = 0;
  for (let j = 0; j < P; j++) {
    s += fit.coeffs[k * P + j]! * v ** terms[j]![0] * u ** terms[j]![1];
  }
  return referenced ? s - fit.offset[k]! : s;
}
