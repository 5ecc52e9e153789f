/**
 * A simulated scene: everything about a synthetic interferogram stack that is small (dates,
 * network, baselines, per-interferogram choices, where the sources and special areas are,
 * the reference pixel), fixed by a seed. The per-pixel data is computed from it in row
 * blocks (see `ifgrams.ts`, `timeseries.ts`) and date by date (turbulence).
 * @module
 */
import { daysBetween, decimalYear, parseDate } from "../dates.ts";
import { independentLooks } from "../weights.ts";
import { simulateDateBperp, simulateDates } from "./acquisitions.ts";
import { CoherenceModel } from "./coherence.ts";
import { DeformationModel, type DeformationOptions } from "./deformation.ts";
import { chooseDropped, type DatePair, smallBaselinePairs } from "./network.ts";
import { type Ellipse, inEllipse, SceneRegions, type UnwrapErrorPatch } from "./regions.ts";
import { Rng } from "./rng.ts";

const STREAM_IFGRAM = 0x6966, STREAM_TROPO = 0x7470, STREAM_UNWRAP = 0x7577, STREAM_TREND = 0x7472;

/** Settings of a simulated scene. */
export interface SceneOptions extends DeformationOptions {
  /** Image rows. */
  length: number;
  /** Image columns. */
  width: number;
  /** Number of acquisitions (>= 2). */
  numDates: number;
  /** Seed of every random choice. Default 1. */
  seed?: number;
  /** First acquisition, YYYYMMDD. Default 20150107. */
  startDate?: string;
  /** Nearest neighbours in time paired with each date. Default 3. */
  neighbours?: number;
  /** Add ~1-year pairs. Default false. */
  annualPairs?: boolean;
  /** Interferograms marked dropped (`dropIfgram` False). Default 2. */
  drop?: number;
  /** Radar wavelength, m. Default 0.05546576 (Sentinel-1). */
  wavelength?: number;
  /** Looks in azimuth and range (attributes ALOOKS, RLOOKS). Default 3 and 9. */
  alooks?: number;
  rlooks?: number;
  /** Acquisition time of day, seconds (CENTER_LINE_UTC). Default 43400. */
  centerLineUtc?: number;
  /** Median standard deviation of the tropospheric delay of one date, m. 0: none. Default 0.006. */
  tropoStd?: number;
  /** Draw decorrelation phase noise from the coherence. Default true. */
  decorrelation?: boolean;
  /** Fraction of interferograms with an unwrapping-error patch. Default 0.1. */
  unwrapErrors?: number;
  /** Fraction of interferograms missing the "missing" patch. Default 0.2. */
  missingFraction?: number;
  /** Add a random whole number of cycles to each interferogram. Default true. */
  cycleOffsets?: boolean;
  /** Water body (no data). Default true. */
  water?: boolean;
  /** Patch missing from some interferograms. Default true. */
  missingPatch?: boolean;
  /** Patch whose network splits in two. Default true. */
  disconnectedPatch?: boolean;
}

/** The resolved scene; see {@link createScene}. */
export interface SimulatedScene {
  readonly options: Readonly<Required<Omit<SceneOptions, keyof DeformationOptions>>>;
  readonly length: number;
  readonly width: number;
  readonly seed: number;
  /** Acquisition dates, YYYYMMDD. */
  readonly dates: readonly string[];
  /** MintPy's decimal years since the first date (with CENTER_LINE_UTC). */
  readonly tYears: Float64Array;
  /** Days since the first date. */
  readonly days: Int32Array;
  /** Perpendicular baseline of each date relative to the first, m. */
  readonly bperpDate: Float32Array;
  /** Interferograms, sorted by (ref, sec). */
  readonly pairs: readonly DatePair[];
  /** `bperp[sec] - bperp[ref]`, m. */
  readonly bperpIfgram: Float32Array;
  /** dropIfgram: 1 keep, 0 dropped. */
  readonly keep: Uint8Array;
  /** Reference pixel (REF_Y, REF_X): stable and coherent. */
  readonly refY: number;
  readonly refX: number;
  /** Independent looks of the decorrelation noise (MintPy's rule from ALOOKS, RLOOKS). */
  readonly looks: number;
  /** Eruption (step) date, YYYYMMDD, between two acquisitions. */
  readonly stepDate: string;
  /** 1 for dates after the eruption. */
  readonly stepped: Uint8Array;
  /** Interferograms with ref < gapIndex <= sec have no phase in the disconnected patch. */
  readonly gapIndex: number;
  /** 1 when the interferogram misses the "missing" patch. */
  readonly missingIfgram: Uint8Array;
  /** Whole cycles added to each interferogram. */
  readonly cycleOffset: Int8Array;
  /** Weather/snow coherence factor of each interferogram. */
  readonly ifgramQuality: Float32Array;
  /** Standard deviation of each date's tropospheric delay, m. */
  readonly tropoStd: Float32Array;
  readonly unwrapErrors: readonly UnwrapErrorPatch[];
  readonly regions: SceneRegions;
  readonly deformation: DeformationModel;
  readonly coherence: CoherenceModel;
  /** Pixel sizes (m) along rows and along ground range, for the turbulence spectrum. */
  readonly rowSpacing: number;
  readonly colSpacing: number;
  /** Root attributes of the simulated ifgramStack.h5 (MintPy's names, string values). */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Build a scene from `opts`.
 * @throws RangeError for sizes < 1, fewer than 2 dates or a bad start date.
 *
 * @example
 * ```ts
 * const scene = createScene({ length: 60, width: 80, numDates: 30, seed: 7 });
 * scene.pairs.length; // 84 with 3 neighbours
 * ```
 */
export function createScene(opts: SceneOptions): SimulatedScene {
  const { length, width, numDates: N } = opts;
  for (const [name, v] of [["length", length], ["width", width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} ${v} must be an integer >= 1`);
  }
  const o = {
    length,
    width,
    numDates: N,
    seed: opts.seed ?? 1,
    startDate: opts.startDate ?? "20150107",
    neighbours: opts.neighbours ?? 3,
    annualPairs: opts.annualPairs ?? false,
    drop: opts.drop ?? 2,
    wavelength: opts.wavelength ?? 0.05546576,
    alooks: opts.alooks ?? 3,
    rlooks: opts.rlooks ?? 9,
    centerLineUtc: opts.centerLineUtc ?? 43400,
    tropoStd: opts.tropoStd ?? 0.006,
    decorrelation: opts.decorrelation ?? true,
    unwrapErrors: opts.unwrapErrors ?? 0.1,
    missingFraction: opts.missingFraction ?? 0.2,
    cycleOffsets: opts.cycleOffsets ?? true,
    water: opts.water ?? true,
    missingPatch: opts.missingPatch ?? true,
    disconnectedPatch: opts.disconnectedPatch ?? true,
  };
  if (!(o.wavelength > 0)) throw new RangeError(`wavelength ${o.wavelength} must be positive`);
  const seed = o.seed;
  const dates = simulateDates(o.startDate, N, seed);
  const ymd = dates.map((d) => parseDate(d));
  const t0 = decimalYear(ymd[0]!, o.centerLineUtc);
  const tYears = Float64Array.from(ymd, (d) => decimalYear(d, o.centerLineUtc) - t0);
  const days = Int32Array.from(ymd, (d) => daysBetween(ymd[0]!, d));
  const bperpDate = simulateDateBperp(N, seed);
  const pairs = smallBaselinePairs(dates, { neighbours: o.neighbours, annualPairs: o.annualPairs });
  const K = pairs.length;
  const bperpIfgram = Float32Array.from(pairs, (p) => bperpDate[p.sec]! - bperpDate[p.ref]!);
  const keep = chooseDropped(pairs, N, o.drop, seed);

  // The eruption: the day after the acquisition at 60% of the series.
  const s = Math.min(N - 2, Math.floor(0.6 * (N - 1)));
  const stepMs = Date.UTC(ymd[s]!.year, ymd[s]!.month - 1, ymd[s]!.day) + 86400000;
  const sd = new Date(stepMs);
  const stepDate = `${sd.getUTCFullYear()}${String(sd.getUTCMonth() + 1).padStart(2, "0")}${
    String(sd.getUTCDate()).padStart(2, "0")
  }`;
  const tStep = decimalYear(parseDate(stepDate), 0) - t0;
  const stepped = Uint8Array.from(tYears, (t) => (t > tStep ? 1 : 0));
  const gapIndex = o.disconnectedPatch ? Math.max(1, Math.min(N - 1, Math.round(N / 2))) : N;

  const regions = new SceneRegions(length, width, seed, o.water);
  const trendRng = new Rng(seed, STREAM_TREND);
  const deformation = new DeformationModel(length, width, opts, [
    trendRng.next() < 0.5 ? -1 : 1,
    trendRng.next() < 0.5 ? -1 : 1,
  ]);
  const coherence = new CoherenceModel(length, width, seed);
  const [refY, refX] = chooseReference(regions, coherence, deformation);
  deformation.setReference(refY, refX);

  const rng = new Rng(seed, STREAM_IFGRAM);
  const missingIfgram = new Uint8Array(K);
  const cycleOffset = new Int8Array(K);
  const ifgramQuality = new Float32Array(K);
  const winter = (n: number) => ymd[n]!.month === 12 || ymd[n]!.month <= 2;
  for (let k = 0; k < K; k++) {
    // Every draw is made whatever the options, so switching one effect off leaves the
    // others unchanged.
    const missing = rng.next(), cycles = rng.int(-3, 3), quality = rng.next();
    missingIfgram[k] = o.missingPatch && missing < o.missingFraction ? 1 : 0;
    cycleOffset[k] = o.cycleOffsets ? cycles : 0;
    const snow = winter(pairs[k]!.ref) || winter(pairs[k]!.sec) ? 0.85 : 1;
    ifgramQuality[k] = (0.8 + 0.2 * quality) * snow;
  }
  const unwrapErrors = drawUnwrapErrors(K, length, width, o.unwrapErrors, refY, refX, seed);

  const tropoRng = new Rng(seed, STREAM_TROPO);
  const tropoStd = Float32Array.from(
    { length: N },
    () => o.tropoStd * Math.exp(0.5 * tropoRng.normal()),
  );
  const azimuthPixel = 14.1 * o.alooks, rangePixel = 2.33 * o.rlooks;
  const incidence = opts.incidence ?? 34;
  const attributes: Record<string, string> = {
    ALOOKS: String(o.alooks),
    AZIMUTH_PIXEL_SIZE: String(azimuthPixel),
    CENTER_LINE_UTC: String(o.centerLineUtc.toFixed(1)),
    DATA_TYPE: "float32",
    EARTH_RADIUS: "6337286.6",
    FILE_TYPE: "ifgramStack",
    HEADING: "-168.0",
    HEIGHT: "693000.0",
    LENGTH: String(length),
    ORBIT_DIRECTION: "DESCENDING",
    PLATFORM: "Sen",
    PROCESSOR: "isce",
    PROJECT_NAME: "VinsarSimSenDT128",
    RANGE_PIXEL_SIZE: String(rangePixel),
    REF_X: String(refX),
    REF_Y: String(refY),
    RLOOKS: String(o.rlooks),
    STARTING_RANGE: "845960.7",
    UNIT: "radian",
    WAVELENGTH: String(o.wavelength),
    WIDTH: String(width),
    VINSAR_SIMULATION: `vinsar simulate, seed ${seed}`,
  };
  return {
    options: o,
    length,
    width,
    seed,
    dates,
    tYears,
    days,
    bperpDate,
    pairs,
    bperpIfgram,
    keep,
    refY,
    refX,
    looks: independentLooks(attributes),
    stepDate,
    stepped,
    gapIndex,
    missingIfgram,
    cycleOffset,
    ifgramQuality,
    tropoStd,
    unwrapErrors,
    regions,
    deformation,
    coherence,
    rowSpacing: azimuthPixel,
    colSpacing: rangePixel / Math.sin((incidence * Math.PI) / 180),
    attributes,
  };
}

/**
 * A stable, coherent reference pixel: on a coarse grid, away from the edges, clear of the
 * special areas, scoring high short-term coherence and little deformation. Falls back to
 * the best non-water pixel of the grid on tiny images.
 */
function chooseReference(
  regions: SceneRegions,
  coherence: CoherenceModel,
  deformation: DeformationModel,
): [number, number] {
  const { length: L, width: W } = regions;
  const step = Math.max(1, Math.floor(Math.min(L, W) / 40));
  const mogi = deformation.mogi;
  let best: [number, number] = [0, 0], bestScore = -Infinity;
  let fallback: [number, number] = [0, 0], fallbackScore = -Infinity;
  for (let y = 0; y < L; y += step) {
    for (let x = 0; x < W; x += step) {
      if (regions.isWater(y, x)) continue;
      const [g0] = coherence.at(y, x, regions.flags(y, x));
      const [v, st, a, c] = deformation.rawAt(y, x);
      const score = g0 - 10 * (Math.abs(v) + Math.abs(st) + Math.hypot(a, c));
      if (score > fallbackScore) {
        fallbackScore = score;
        fallback = [y, x];
      }
      const inside = y >= 0.05 * L && y <= 0.95 * L && x >= 0.05 * W && x <= 0.95 * W;
      const far = Math.hypot(y - mogi.cy, x - mogi.cx) >= 3 * mogi.depth;
      if (inside && far && regions.isClear(y, x) && score > bestScore) {
        bestScore = score;
        best = [y, x];
      }
    }
  }
  return bestScore > -Infinity ? best : fallback;
}

/** Unwrapping-error patches of a fraction of the interferograms, never over the reference. */
function drawUnwrapErrors(
  K: number,
  L: number,
  W: number,
  fraction: number,
  refY: number,
  refX: number,
  seed: number,
): UnwrapErrorPatch[] {
  const out: UnwrapErrorPatch[] = [];
  const m = Math.min(L, W);
  for (let k = 0; k < K; k++) {
    // A stream per interferogram: a higher fraction adds patches, keeps the others.
    const rng = new Rng(seed, STREAM_UNWRAP, k);
    if (!(rng.next() < fraction)) continue;
    for (let attempt = 0; attempt < 10; attempt++) {
      const patch: Ellipse = {
        cy: (0.1 + 0.8 * rng.next()) * (L - 1),
        cx: (0.1 + 0.8 * rng.next()) * (W - 1),
        ry: Math.max(1, (0.04 + 0.06 * rng.next()) * m),
        rx: Math.max(1, (0.04 + 0.06 * rng.next()) * m),
      };
      const cycles = (rng.next() < 0.5 ? -1 : 1) * (rng.next() < 0.85 ? 1 : 2);
      if (!inEllipse(patch, refY, refX, 1.3)) {
        out.push({ ifgram: k, patch, cycles });
        break;
      }
    }
  }
  return out;
}
