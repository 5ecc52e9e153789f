/**
 * A small radix-2 complex FFT (iterative Cooley-Tukey, per-stage twiddle tables, bit
 * reversal) and the 2-D inverse transform used to synthesise power-law random fields.
 * @module
 */

/** Smallest power of two >= `n` (n >= 1). */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * In-place FFT of one length (a power of two). Forward: `X[k] = sum_j x[j] exp(-2 pi i jk/n)`;
 * the inverse uses `+i` and divides by n.
 *
 * @example
 * ```ts
 * const fft = new Fft(8);
 * const re = new Float64Array(8).fill(1), im = new Float64Array(8);
 * fft.transform(re, im, false); // re[0] === 8, everything else 0
 * ```
 */
export class Fft {
  readonly n: number;
  /** Twiddles of the stage with half-size h at [h - 1, 2h - 1): cos and sin of pi k / h. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #rev: Uint32Array;

  /** @throws RangeError when `n` is not a power of two. */
  constructor(n: number) {
    if (!(n >= 1) || (n & (n - 1)) !== 0) {
      throw new RangeError(`FFT length ${n} is not a power of two`);
    }
    this.n = n;
    this.#cos = new Float64Array(Math.max(1, n - 1));
    this.#sin = new Float64Array(Math.max(1, n - 1));
    for (let h = 1; h < n; h *= 2) {
      for (let k = 0; k < h; k++) {
        this.#cos[h - 1 + k] = Math.cos((Math.PI * k) / h);
        this.#sin[h - 1 + k] = Math.sin((Math.PI * k) / h);
      }
    }
    this.#rev = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.#rev[i] = r;
    }
  }

  /**
   * Transform `n` complex values of `re`/`im` starting at `offset`, in place. The inverse
   * includes the 1/n factor unless `scale` is false.
   */
  transform(re: Float64Array, im: Float64Array, inverse: boolean, offset = 0, scale = true): void {
    const n = this.n, rev = this.#rev, cs = this.#cos, sn = this.#sin;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const a = offset + i, b = offset + j;
        let t = re[a]!;
        re[a] = re[b]!;
        re[b] = t;
        t = im[a]!;
        im[a] = im[b]!;
        im[b] = t;
      }
    }
    const sign = inverse ? 1 : -1;
    for (let h = 1; h < n; h *= 2) {
      const span = 2 * h, end = offset + n;
      for (let k = 0; k < h; k++) {
        const wr = cs[h - 1 + k]!, wi = sign * sn[h - 1 + k]!;
        for (let a = offset + k; a < end; a += span) {
          const b = a + h;
          const br = re[b]!, bi = im[b]!;
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          const ar = re[a]!, ai = im[a]!;
          re[b] = ar - xr;
          im[b] = ai - xi;
          re[a] = ar + xr;
          im[a] = ai + xi;
        }
      }
    }
    if (inverse && scale) {
      const s = 1 / n;
      for (let i = offset; i < offset + n; i++) {
        re[i] = re[i]! * s;
        im[i] = im[i]! * s;
      }
    }
  }
}

/** Transpose a `rows x cols` C-order array into `out` (`cols x rows`), in cache-sized tiles. */
export function transpose(
  src: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        for (let c = c0, i = r * cols + c0; c < c1; c++, i++) out[c * rows + r] = src[i]!;
      }
    }
  }
}

/**
 * Inverse 2-D FFT of a spectrum given TRANSPOSED (`nx x ny`: row = x frequency, column = y
 * frequency), keeping only the first `length x width` samples of the `ny x nx` result.
 * Working on the transposed spectrum needs one transpose instead of two, and the second
 * pass only transforms the `length` output rows that are kept.
 *
 * Without the 1/(nx ny) factor: the caller normalises the field anyway.
 */
export class InverseFft2d {
  readonly ny: number;
  readonly nx: number;
  readonly #fy: Fft;
  readonly #fx: Fft;
  readonly #tre: Float64Array;
  readonly #tim: Float64Array;

  constructor(ny: number, nx: number) {
    this.ny = ny;
    this.nx = nx;
    this.#fy = new Fft(ny);
    this.#fx = nx === ny ? this.#fy : new Fft(nx);
    this.#tre = new Float64Array(ny * nx);
    this.#tim = new Float64Array(ny * nx);
  }

  /**
   * @param re Real part of the transposed spectrum, `nx * ny` (overwritten).
   * @param im Imaginary part, same layout (overwritten).
   * @param length Output rows kept (<= ny).
   * @param width Output columns kept (<= nx).
   * @param outRe Real part of the field, `length * width`.
   * @param outIm Imaginary part of the field, `length * width`.
   */
  transform(
    re: Float64Array,
    im: Float64Array,
    length: number,
    width: number,
    outRe: Float32Array,
    outIm: Float32Array,
  ): void {
    const { ny, nx } = this;
    for (let x = 0; x < nx; x++) this.#fy.transform(re, im, true, x * ny, false);
    transpose(re, nx, ny, this.#tre);
    transpose(im, nx, ny, this.#tim);
    const tre = this.#tre, tim = this.#tim;
    for (let y = 0; y < length; y++) {
      this.#fx.transform(tre, tim, true, y * nx, false);
      for (let x = 0, i = y * nx, o = y * width; x < width; x++, i++, o++) {
        outRe[o] = tre[i]!;
        outIm[o] = tim[i]!;
      }
    }
  }
}
