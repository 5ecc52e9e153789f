/**
 * Tropospheric turbulence screens: isotropic Gaussian random fields whose power spectrum
 * follows the three power-law regimes Hanssen (2001, sec. 4.7) measured for the wet delay
 * (1-D profile slopes -5/3 above 1.5 km, -8/3 between 0.25 and 1.5 km, -2/3 below; the 2-D
 * spectrum is one power steeper), flat beyond a 50 km outer scale. A screen is complex
 * white noise filtered by the spectrum's square root and inverse-FFT'd on a power-of-two
 * grid larger than the image; the real and imaginary parts are two independent screens.
 * @module
 */
import { InverseFft2d, nextPow2 } from "./fft.ts";
import { Rng } from "./rng.ts";

/** Stream id of the turbulence white noise. */
const STREAM = 0x7475;

/** Settings of {@link TurbulenceScreens}. */
export interface TurbulenceOptions {
  /** Image rows. */
  length: number;
  /** Image columns. */
  width: number;
  /** Pixel size along rows (azimuth), metres. Default 40. */
  rowSpacing?: number;
  /** Pixel size along columns (ground range), metres. Default 40. */
  colSpacing?: number;
  /** Seed of the simulation. */
  seed: number;
}

/** Regime limits (cycles per metre) and 2-D power exponents, long wavelengths first. */
const OUTER = 1 / 50_000, K1 = 1 / 1_500, K2 = 1 / 250;
const EXP = [5 / 3 + 1, 8 / 3 + 1, 2 / 3 + 1];

/** Power spectral density (arbitrary scale) at spatial frequency `k` (cycles/m). */
export function turbulencePower(k: number): number {
  if (k <= 0) return 0;
  const kk = Math.max(k, OUTER);
  // Continuous at K1 and K2.
  const p1 = (f: number) => Math.pow(f, -EXP[0]!);
  const p2 = (f: number) => p1(K1) * Math.pow(f / K1, -EXP[1]!);
  const p3 = (f: number) => p2(K2) * Math.pow(f / K2, -EXP[2]!);
  return kk < K1 ? p1(kk) : kk < K2 ? p2(kk) : p3(kk);
}

/**
 * Unit-variance turbulence screens of a `length x width` image, screen n drawn from its own
 * seeded stream (screens 2m and 2m+1 share one FFT). Each screen has zero mean and unit
 * standard deviation over the image; scale it to the date's delay.
 *
 * @example
 * ```ts
 * const screens = new TurbulenceScreens({ length: 60, width: 80, seed: 1 });
 * const s0 = screens.screen(0); // Float32Array(60 * 80), std 1
 * ```
 */
export class TurbulenceScreens {
  readonly length: number;
  readonly width: number;
  readonly seed: number;
  readonly #fft: InverseFft2d;
  /** Filter amplitude, transposed layout (x frequency major). */
  readonly #amp: Float64Array;
  /** 1 for coefficients within 32 grid frequencies of zero along both axes. */
  readonly #lowFrequency: Uint8Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  #pair = -1;
  #a: Float32Array;
  #b: Float32Array;

  constructor(opts: TurbulenceOptions) {
    const { length, width, seed } = opts;
    const dy = opts.rowSpacing ?? 40, dx = opts.colSpacing ?? 40;
    this.length = length;
    this.width = width;
    this.seed = seed;
    // A grid at least 1.25x the image, so opposite edges of a screen are not tied together
    // by the periodic FFT.
    const ny = nextPow2(Math.ceil(length * 1.25)), nx = nextPow2(Math.ceil(width * 1.25));
    this.#fft = new InverseFft2d(ny, nx);
    this.#amp = new Float64Array(nx * ny);
    this.#lowFrequency = new Uint8Array(nx * ny);
    for (let fx = 0; fx < nx; fx++) {
      const ix = fx <= nx / 2 ? fx : fx - nx, kx = ix / (nx * dx);
      for (let fy = 0; fy < ny; fy++) {
        const iy = fy <= ny / 2 ? fy : fy - ny, ky = iy / (ny * dy);
        this.#amp[fx * ny + fy] = Math.sqrt(turbulencePower(Math.hypot(kx, ky)));
        this.#lowFrequency[fx * ny + fy] = Math.abs(ix) <= 32 && Math.abs(iy) <= 32 ? 1 : 0;
      }
    }
    this.#re = new Float64Array(nx * ny);
    this.#im = new Float64Array(nx * ny);
    this.#a = new Float32Array(length * width);
    this.#b = new Float32Array(length * width);
  }

  /**
   * Screen `n` (length * width, C order, zero mean, unit std). The returned array is reused
   * by the next call for another pair of screens: copy it to keep it.
   */
  screen(n: number): Float32Array {
    const m = Math.floor(n / 2);
    if (m !== this.#pair) this.#compute(m);
    return n % 2 === 0 ? this.#a : this.#b;
  }

  #compute(m: number): void {
    const rng = new Rng(this.seed, STREAM, m);
    const re = this.#re, im = this.#im, amp = this.#amp, low = this.#lowFrequency;
    // Complex white noise. The few long-wavelength coefficients, which carry most of the
    // variance, get Gaussian deviates; the many others unit-variance uniform ones (several
    // times cheaper), which is as good once thousands of them add up in each pixel.
    const s = Math.sqrt(12);
    for (let i = 0; i < amp.length; i++) {
      const a = amp[i]!;
      if (low[i]) {
        re[i] = a * rng.normal();
        im[i] = a * rng.normal();
      } else {
        re[i] = a * s * (rng.next() - 0.5);
        im[i] = a * s * (rng.next() - 0.5);
      }
    }
    this.#fft.transform(re, im, this.length, this.width, this.#a, this.#b);
    normalise(this.#a);
    normalise(this.#b);
    this.#pair = m;
  }
}

/** Zero mean, unit standard deviation (a constant field becomes zeros). */
function normalise(x: Float32Array): void {
  let s = 0, s2 = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / Math.max(1, x.length);
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - mean;
    s2 += d * d;
  }
  const std = Math.sqrt(s2 / Math.max(1, x.length));
  const f = std > 0 ? 1 / std : 0;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) * f;
}
