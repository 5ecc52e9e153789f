/**
 * Seeded pseudo-random numbers for the simulator: xoshiro128** seeded through a 32-bit
 * mixing hash of (seed, stream ids...). Every random field of a simulation draws from its
 * own stream keyed by what it is (e.g. decorrelation noise of interferogram k, row y), so the
 * output does not depend on the order or size of the blocks it is computed in.
 * @module
 */

/** A 32-bit avalanche hash (murmur3's finalizer). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hash a seed (any safe integer) and stream ids into one 32-bit key. */
export function streamKey(seed: number, ...ids: number[]): number {
  const lo = seed >>> 0, hi = Math.floor(seed / 4294967296) >>> 0;
  let h = mix32(lo ^ mix32(hi + 0x9e3779b9));
  for (const id of ids) h = mix32((h + Math.imul((id | 0) + 1, 0x9e3779b9)) | 0);
  return h;
}

const INV_2_32 = 1 / 4294967296;

/**
 * xoshiro128** generator: uniform 32-bit integers, uniform doubles in [0, 1) and standard
 * normal deviates.
 *
 * @example
 * ```ts
 * const rng = new Rng(42, 7);      // seed 42, stream 7
 * const u = rng.next();            // in [0, 1)
 * const z = rng.normal();          // N(0, 1)
 * ```
 */
export class Rng {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  #spare = 0;
  #hasSpare = false;

  /** A generator for `seed` and the stream `ids`. */
  constructor(seed: number, ...ids: number[]) {
    this.reseed(streamKey(seed, ...ids));
  }

  /** Restart from a 32-bit key (see {@link streamKey}); cheaper than a new generator. */
  reseed(key: number): void {
    // splitmix32 expands the key into a state that is never all zero.
    let z = key >>> 0;
    const next = () => {
      z = (z + 0x9e3779b9) | 0;
      return mix32(z);
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next() | 1;
    this.#hasSpare = false;
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.#s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return r >>> 0;
  }

  /** A uniform double in [0, 1) (32 random bits). */
  next(): number {
    return this.nextU32() * INV_2_32;
  }

  /** An integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A standard normal deviate (Marsaglia's polar method: no trigonometry, both values used). */
  normal(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    let u = 0, v = 0, s = 0;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * f;
    this.#hasSpare = true;
    return u * f;
  }

  /**
   * Fill `count` values of `out` from `offset` with standard normal deviates: the same
   * method as {@link Rng.normal}, in one loop (no per-value call or saved spare).
   */
  fillNormal(out: Float32Array | Float64Array, offset = 0, count = out.length - offset): void {
    let i = offset;
    const end = offset + count;
    if (this.#hasSpare && i < end) {
      out[i++] = this.#spare;
      this.#hasSpare = false;
    }
    while (i < end) {
      const u = 2 * this.next() - 1, v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = u * f;
      if (i < end) out[i++] = v * f;
      else {
        this.#spare = v * f;
        this.#hasSpare = true;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
