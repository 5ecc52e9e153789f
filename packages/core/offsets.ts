/**
 * MintPy's rules for pixel-offset stacks (`azimuthOffset`, `rangeOffset` of an
 * `ifgramStack.h5`) in the network inversion: weights from the offsets' standard deviation
 * (`*OffsetStd`), the `*OffsetStd` observation mask with its high-SNR exception, and the
 * conversion of offsets from pixels to metres.
 * @module
 */
import { InputError } from "./errors.ts";
import type { ObservationWeights } from "./weights.ts";

/** An offset Std that is NaN counts as this (pixels): a weight of 1e-4. */
export const OFFSET_STD_NAN = 100;

/** Offset Std below this (float32 0.005 pixel) is raised to it: weights stay finite. */
export const OFFSET_STD_MIN: number = Math.fround(0.005);

/** SNR `|offset - median| / Std` from which the `*OffsetStd` mask keeps an observation. */
const STD_MASK_MIN_SNR = 10;

/**
 * True for MintPy's offset observations: a dataset name containing "offset" in any case
 * (`azimuthOffset`, `rangeOffset`, ...). They are weighted by their Std, their quality
 * output is the residual, and zero is a valid value (not no-data).
 *
 * @example
 * ```ts
 * import { isOffsetDataset } from "@vinsar/core";
 * console.log(isOffsetDataset("azimuthOffset"), isOffsetDataset("unwrapPhase")); // true false
 * ```
 */
export function isOffsetDataset(name: string): boolean {
  return name.toLowerCase().includes("offset");
}

/**
 * True for a `--mask-dset` name MintPy masks as an offset Std (a name ending in
 * `OffsetStd`): observations whose Std exceeds the threshold are masked.
 */
export function isOffsetStdMask(name: string | null): boolean {
  return name !== null && name.endsWith("OffsetStd");
}

/**
 * MintPy's `-w var` weights of offsets: the square-root weight of an observation is the
 * inverse of its Std (pixels), rounded to float32; a NaN Std counts as
 * {@link OFFSET_STD_NAN}, a Std below {@link OFFSET_STD_MIN} as that floor. The weight of
 * the normal equations is `1 / Std^2`.
 *
 * @example
 * ```ts
 * import { OffsetStdWeights } from "@vinsar/core";
 * const w = new OffsetStdWeights();
 * console.log(w.sqrtWeight(0.5), w.sqrtWeight(NaN)); // 2 0.009999999776482582
 * ```
 */
export class OffsetStdWeights implements ObservationWeights {
  readonly unweighted = false;

  /** The float32 square-root weight `1 / Std` of one Std value (pixels). */
  sqrtWeight(std: number): number {
    let s = std === std ? std : OFFSET_STD_NAN;
    if (s < OFFSET_STD_MIN) s = OFFSET_STD_MIN;
    return Math.fround(1 / Math.fround(s));
  }

  /** The weight `(1 / Std)^2` of one Std value, from the float32 square-root weight. */
  squaredWeightFunction(): (std: number) => number {
    return (std: number): number => {
      let s = std === std ? std : OFFSET_STD_NAN;
      if (s < OFFSET_STD_MIN) s = OFFSET_STD_MIN;
      const w = Math.fround(1 / Math.fround(s));
      return w * w;
    };
  }
}

/** How offsets of one dataset become metres. */
export interface OffsetUnit {
  /** Azimuth or range offsets. */
  direction: "azimuth" | "range";
  /** Size of one offset pixel, metres (multilooked). */
  pixelSize: number;
  /** Metres per offset pixel, sign included (range: negative, as MintPy). */
  scale: number;
}

/**
 * The conversion of an offset dataset from pixels to metres, as MintPy does it: for
 * `azimuthOffset`, the ground azimuth pixel size over ALOOKS (`AZIMUTH_PIXEL_SIZE * R /
 * (R + HEIGHT)` for roipac/isce stacks, with R = EARTH_RADIUS or 6371 km;
 * `AZIMUTH_PIXEL_SIZE` for gamma); for `rangeOffset`, `-RANGE_PIXEL_SIZE / RLOOKS` (the
 * sign flip turns a range offset into a displacement towards the satellite).
 *
 * @param attrs The stack's root attributes.
 * @param obs The observation dataset.
 * @param source The file named in errors.
 * @returns null when MintPy keeps the values as they are: any other dataset name (e.g.
 *   `azimuthOffset_foo`), or PROCESSOR `cosicorr` (offsets already in metres).
 * @throws InputError for a missing attribute, a geocoded azimuth stack or a processor whose
 *   azimuth pixel size MintPy does not know (MintPy fails there too).
 *
 * @example
 * ```ts
 * import { offsetUnit } from "@vinsar/core";
 * const unit = offsetUnit({ PROCESSOR: "gamma", RANGE_PIXEL_SIZE: "2.3", RLOOKS: "1" }, "rangeOffset");
 * console.log(unit); // { direction: "range", pixelSize: 2.3, scale: -2.3 }
 * ```
 */
export function offsetUnit(
  attrs: Record<string, string>,
  obs: string,
  source = "the stack",
): OffsetUnit | null {
  if (obs !== "azimuthOffset" && obs !== "rangeOffset") return null;
  const num = (key: string, fallback?: number): number => {
    const text = attrs[key];
    const v = text === undefined ? fallback : Number(text);
    if (v === undefined || !Number.isFinite(v)) {
      throw new InputError(
        `${source}: attribute ${key} is ${
          text === undefined ? "missing" : `"${text}", not a number`
        }: needed to convert ${obs} from pixels to metres`,
      );
    }
    return v;
  };
  const processor = attrs.PROCESSOR;
  if (processor === undefined) {
    throw new InputError(
      `${source}: attribute PROCESSOR is missing: needed to convert ${obs} from pixels to metres`,
    );
  }
  if (processor === "cosicorr") return null;
  if (obs === "rangeOffset") {
    const pixelSize = num("RANGE_PIXEL_SIZE") / num("RLOOKS");
    return { direction: "range", pixelSize, scale: -pixelSize };
  }
  if (attrs.X_FIRST !== undefined) {
    throw new InputError(
      `${source}: geocoded stack (X_FIRST): no azimuth pixel size to convert ${obs} to metres`,
    );
  }
  let ground: number;
  if (processor === "roipac" || processor === "isce") {
    const re = num("EARTH_RADIUS", 6371e3);
    ground = (num("AZIMUTH_PIXEL_SIZE") * re) / (re + num("HEIGHT"));
  } else if (processor === "gamma") {
    ground = num("AZIMUTH_PIXEL_SIZE");
  } else {
    throw new InputError(
      `${source}: PROCESSOR "${processor}": the azimuth pixel size is known for roipac, isce ` +
        `and gamma stacks only (as in MintPy), to convert ${obs} to metres`,
    );
  }
  const pixelSize = ground / num("ALOOKS");
  return { direction: "azimuth", pixelSize, scale: pixelSize };
}

/** The values of one interferogram over one patch, for {@link offsetStdMedian}. */
export interface OffsetStdMedianInput {
  /** Observations (any unit), float32, one image patch. */
  obs: Float32Array;
  /** The `*OffsetStd` mask dataset over the same pixels. */
  std: Float32Array;
  /** The interferogram's value at the reference pixel (0 without referencing). */
  ref: number;
  /** `--mask-thres`. */
  threshold: number;
  /** Zero observations are no data (phase datasets). */
  zeroIsNoData?: boolean;
}

/**
 * The median MintPy's `*OffsetStd` mask measures an observation's SNR against: the float32
 * `nanmedian` of the referenced observations (non-zero values minus `ref`) of one
 * interferogram where the Std (NaN counting as 0) is at most the threshold; NaN when there
 * is none.
 */
export function offsetStdMedian(input: OffsetStdMedianInput): number {
  const { obs, std, ref } = input;
  const thres = Math.fround(input.threshold);
  const kept = new Float32Array(obs.length);
  let n = 0;
  for (let i = 0; i < obs.length; i++) {
    const s = std[i]!;
    if (!((s === s ? s : 0) <= thres)) continue;
    let v = obs[i]!;
    if (v !== 0) v = Math.fround(v - ref);
    else if (input.zeroIsNoData) continue;
    if (v === v) kept[n++] = v;
  }
  if (n === 0) return NaN;
  const sorted = kept.subarray(0, n).sort();
  const mid = n >> 1;
  // numpy's median of an even count: the float32 mean of the two middle values.
  return n % 2 === 1 ? sorted[mid]! : Math.fround(Math.fround(sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** One block of observations to mask with {@link maskByOffsetStd}. */
export interface OffsetStdMaskBlock {
  /** Pixels per interferogram P. */
  pixels: number;
  /** Observations, K x P pixel-fastest; masked values become NaN, in place. */
  obs: Float32Array;
  /** The `*OffsetStd` dataset, K x P. */
  std: Float32Array;
  /** Each interferogram's value at the reference pixel, K (zeros without referencing). */
  refPhase: Float32Array;
  /** Each interferogram's {@link offsetStdMedian} over the patch these pixels belong to, K. */
  median: Float32Array;
  /** `--mask-thres`. */
  threshold: number;
}

/**
 * MintPy's `--mask-dset *OffsetStd`: an observation whose Std (NaN counting as 0) exceeds
 * the threshold becomes NaN, unless its Std is at most 5 x the threshold and its SNR
 * `|referenced offset - median| / (Std + 1e-5)` is at least 10 (a large, well-measured
 * signal), in float32 as numpy computes it. Only pixels `[p0, p1)` of each interferogram
 * are masked (those of one MintPy patch).
 * @returns the number of observations masked.
 */
export function maskByOffsetStd(block: OffsetStdMaskBlock, p0 = 0, p1 = block.pixels): number {
  const { obs, std, refPhase, median, pixels: P } = block;
  const K = refPhase.length;
  const thres = Math.fround(block.threshold);
  const relaxed = Math.fround(block.threshold * 5);
  const eps = Math.fround(1e-5);
  let masked = 0;
  for (let k = 0; k < K; k++) {
    const ref = refPhase[k]!, med = median[k]!, o = k * P;
    for (let p = o + p0; p < o + p1; p++) {
      const raw = std[p]!;
      const s = raw === raw ? raw : 0;
      if (s <= thres) continue;
      if (s <= relaxed) {
        let v = obs[p]!;
        if (v !== 0) v = Math.fround(v - ref);
        const snr = Math.fround(Math.abs(Math.fround(v - med)) / Math.fround(s + eps));
        if (snr >= STD_MASK_MIN_SNR) continue;
      }
      if (obs[p] === obs[p]) masked++;
      obs[p] = NaN;
    }
  }
  return masked;
}
