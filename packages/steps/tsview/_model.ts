/**
 * The deformation model stored in a `velocity.h5`, recovered from its dataset names
 * (`intercept`, `velocity`, `acceleration`, `poly3`, `annualAmplitude`/`annualPhase`,
 * `step20200101`, `velocityPost20200101`, `exp20200101Tau60D`, `log...`: MintPy's
 * `model2hdf5_dataset` names), so one pixel's fitted curve can be drawn beside its series.
 * @module
 */
import {
  decimalYearOf,
  TimeFunctionBasis,
  type TimeFunctionModel,
} from "@vinsar/core/time-functions";

/** How one parameter (one column of G) is read from a pixel's dataset values. */
type Column =
  | { kind: "value"; name: string }
  | { kind: "cos" | "sin"; prefix: string }
  | { kind: "polyline"; name: string; previous: string };

/** A model and where each of its parameters comes from. */
export interface StoredModel {
  readonly model: TimeFunctionModel;
  readonly columns: readonly Column[];
  /** Every dataset a pixel's parameters are computed from. */
  readonly datasets: readonly string[];
}

const DATE = String.raw`\d{8}(?:T\d{4})?`;
const POLY_NAMES = ["intercept", "velocity", "acceleration"];

function polyName(i: number): string {
  return POLY_NAMES[i] ?? `poly${i}`;
}

function periodOf(prefix: string): number | null {
  if (prefix === "annual") return 1;
  if (prefix === "semiAnnual") return 0.5;
  const m = /^period(.+)Y$/.exec(prefix);
  const p = m ? Number(m[1]) : NaN;
  return p > 0 ? p : null;
}

/** Onsets with their taus, in order of first appearance, from names like `exp<onset>Tau<n>D`. */
function onsets(names: readonly string[], family: "exp" | "log") {
  const re = new RegExp(`^${family}(${DATE})Tau(\\d+)D$`);
  const by = new Map<string, number[]>();
  for (const n of names) {
    const m = re.exec(n);
    if (m) by.set(m[1]!, [...(by.get(m[1]!) ?? []), Number(m[2])]);
  }
  return [...by].map(([onset, taus]) => ({ onset, taus }));
}

/**
 * The model stored in a file with datasets `names`, or null when it holds no `intercept`
 * and `velocity` (no fit to draw).
 */
export function storedModel(names: readonly string[]): StoredModel | null {
  const has = new Set(names);
  if (!has.has("intercept") || !has.has("velocity")) return null;
  let polynomial = 1;
  while (has.has(polyName(polynomial + 1))) polynomial++;
  const prefixes = names.flatMap((n) => {
    const m = /^(.+)Amplitude$/.exec(n);
    return m && has.has(`${m[1]}Phase`) && periodOf(m[1]!) !== null ? [m[1]!] : [];
  });
  const dated = (re: RegExp) => names.flatMap((n) => re.exec(n)?.[1] ?? []).sort();
  const model: TimeFunctionModel = {
    polynomial,
    periodic: prefixes.map((p) => periodOf(p)!),
    stepDate: dated(new RegExp(`^step(${DATE})$`)),
    polyline: dated(new RegExp(`^velocityPost(${DATE})$`)),
    exp: onsets(names, "exp"),
    log: onsets(names, "log"),
  };
  const columns: Column[] = [];
  for (let i = 0; i <= polynomial; i++) columns.push({ kind: "value", name: polyName(i) });
  for (const prefix of prefixes) columns.push({ kind: "cos", prefix }, { kind: "sin", prefix });
  for (const d of model.stepDate) columns.push({ kind: "value", name: `step${d}` });
  let previous = "velocity";
  for (const d of model.polyline) {
    columns.push({ kind: "polyline", name: `velocityPost${d}`, previous });
    previous = `velocityPost${d}`;
  }
  for (const family of ["exp", "log"] as const) {
    for (const e of model[family]) {
      for (const tau of e.taus) {
        columns.push({ kind: "value", name: `${family}${e.onset}Tau${tau}D` });
      }
    }
  }
  const datasets = new Set<string>();
  for (const c of columns) {
    if (c.kind === "value") datasets.add(c.name);
    else if (c.kind === "polyline") datasets.add(c.name).add(c.previous);
    else datasets.add(`${c.prefix}Amplitude`).add(`${c.prefix}Phase`);
  }
  return { model, columns, datasets: [...datasets] };
}

/**
 * One pixel's parameters (one per column of G) from its dataset values. MintPy stores a
 * periodic pair (c cos + s sin) as amplitude hypot(c, s) and phase atan2(c, s), and each
 * polyline velocity cumulatively; both are undone here.
 */
export function modelParams(stored: StoredModel, value: (name: string) => number): Float64Array {
  return Float64Array.from(stored.columns, (c) => {
    if (c.kind === "value") return value(c.name);
    if (c.kind === "polyline") return value(c.name) - value(c.previous);
    const amp = value(`${c.prefix}Amplitude`), phase = value(`${c.prefix}Phase`);
    return c.kind === "cos" ? amp * Math.sin(phase) : amp * Math.cos(phase);
  });
}

/**
 * The model's values at decimal years `years`, time origin `origin` (the first date fit,
 * with its time of day, as `timeseries2velocity` builds G).
 */
export function evaluateModel(
  stored: StoredModel,
  params: Float64Array,
  years: ArrayLike<number>,
  origin: number,
): Float64Array {
  const g = new TimeFunctionBasis(stored.model).matrix(years, origin);
  const p = params.length, out = new Float64Array(years.length);
  for (let r = 0; r < years.length; r++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += g[r * p + c]! * params[c]!;
    out[r] = s;
  }
  return out;
}

/** MintPy's decimal year of each date with the acquisition time of day `seconds`. */
export function acquisitionYears(dates: readonly string[], seconds: number): Float64Array {
  return Float64Array.from(dates, (d) => decimalYearOf(d, seconds));
}

/**
 * The least-squares line through the finite values at decimal years `years` (MintPy
 * tsview's default model when no fit is stored), time origin `years[0]`; null with fewer
 * than two dates.
 */
export function fitLinear(
  years: ArrayLike<number>,
  values: ArrayLike<number>,
): { stored: StoredModel; params: Float64Array } | null {
  let n = 0, st = 0, sv = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!)) (n++, st += years[i]!, sv += values[i]!);
  }
  if (n < 2) return null;
  const tm = st / n, vm = sv / n;
  let stt = 0, stv = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) continue;
    stt += (years[i]! - tm) ** 2;
    stv += (years[i]! - tm) * (values[i]! - vm);
  }
  if (!(stt > 0)) return null;
  const velocity = stv / stt;
  return {
    stored: storedModel(["intercept", "velocity"])!,
    params: Float64Array.of(vm + velocity * (years[0]! - tm), velocity),
  };
}
