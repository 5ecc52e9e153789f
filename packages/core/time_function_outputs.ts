/**
 * The datasets of MintPy's `velocity.h5`, from fitted time-function parameters: names,
 * units and values, in MintPy's order (its `model2hdf5_dataset`).
 * @module
 */
import type { TimeFunctionModel } from "./time_functions.ts";
import { pyFloat } from "./py_format.ts";
import { Workspace } from "./workspace.ts";

/** One output dataset of the fit. */
export interface TimeFunctionDataset {
  readonly name: string;
  /** The dataset's `UNIT` attribute. */
  readonly unit: string;
}

function polyName(i: number): [string, string] {
  if (i === 0) return ["intercept", "m"];
  if (i === 1) return ["velocity", "m/year"];
  if (i === 2) return ["acceleration", "m/year^2"];
  return [`poly${i}`, `m/year^${i}`];
}

function periodPrefix(period: number): string {
  if (period === 1) return "annual";
  if (period === 0.5) return "semiAnnual";
  return `period${pyFloat(period)}Y`;
}

/** Names and units of the parameter datasets (without `residue`), in MintPy's order. */
export function timeFunctionDatasets(model: TimeFunctionModel): TimeFunctionDataset[] {
  const out: TimeFunctionDataset[] = [];
  const withStd = (name: string, unit: string) =>
    out.push({ name, unit }, { name: `${name}Std`, unit });
  for (let i = 0; i <= model.polynomial; i++) withStd(...polyName(i));
  for (const period of model.periodic) {
    const prefix = periodPrefix(period);
    out.push({ name: `${prefix}Amplitude`, unit: "m" }, { name: `${prefix}Phase`, unit: "radian" });
  }
  for (const d of model.stepDate) withStd(`step${d}`, "m");
  for (const d of model.polyline) withStd(`velocityPost${d}`, "m/yr");
  for (const e of model.exp) for (const tau of e.taus) withStd(`exp${e.onset}Tau${tau}D`, "m");
  for (const e of model.log) for (const tau of e.taus) withStd(`log${e.onset}Tau${tau}D`, "m");
  return out;
}

/**
 * Values of every dataset of {@link timeFunctionDatasets} for `lanes` pixels.
 * Periodic terms become amplitude `hypot(cos, sin)` and phase `atan2(cos, sin)` (0 where
 * the pixel was not fit); each polyline segment's velocity is the cumulative sum from the
 * linear velocity, its STD the root sum of squares (MintPy assumes independence).
 * @param params `P x lanes` parameters.
 * @param std `P x lanes` standard deviations.
 * @param fitted `lanes` 1 where the pixel was fit.
 * @param work where the arrays live (the same one for every block of a loop: each result is
 *   then valid until the next call), or none for fresh arrays.
 */
export function timeFunctionOutputs(
  model: TimeFunctionModel,
  params: Float64Array,
  std: Float64Array,
  fitted: Uint8Array,
  lanes: number,
  work: Workspace = new Workspace(),
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const f32 = (name: string) => work.f32(name, lanes);
  const row = (a: Float64Array, j: number) => a.subarray(j * lanes, (j + 1) * lanes);
  let c = 0;
  const plain = (name: string) => {
    out.set(name, toFloat32(row(params, c), f32(name)));
    out.set(`${name}Std`, toFloat32(row(std, c), f32(`${name}Std`)));
    c++;
  };
  for (let i = 0; i <= model.polynomial; i++) plain(polyName(i)[0]);
  for (const period of model.periodic) {
    const prefix = periodPrefix(period);
    const cos = row(params, c), sin = row(params, c + 1);
    const amp = f32(`${prefix}Amplitude`), pha = f32(`${prefix}Phase`);
    for (let l = 0; l < lanes; l++) {
      amp[l] = Math.hypot(cos[l]!, sin[l]!);
      if (fitted[l]) pha[l] = Math.atan2(cos[l]!, sin[l]!);
    }
    out.set(`${prefix}Amplitude`, amp);
    out.set(`${prefix}Phase`, pha);
    c += 2;
  }
  for (const d of model.stepDate) plain(`step${d}`);
  if (model.polyline.length > 0) {
    const vel = work.f64("polyline velocity", lanes), varSum = work.f64("polyline var", lanes);
    vel.set(row(params, 1));
    const s1 = row(std, 1);
    for (let l = 0; l < lanes; l++) varSum[l] = s1[l]! * s1[l]!;
    for (const d of model.polyline) {
      const m = row(params, c), s = row(std, c);
      for (let l = 0; l < lanes; l++) {
        vel[l] += m[l]!;
        varSum[l] += s[l]! * s[l]!;
      }
      const name = `velocityPost${d}`;
      out.set(name, toFloat32(vel, f32(name)));
      out.set(`${name}Std`, sqrtFloat32(varSum, f32(`${name}Std`)));
      c++;
    }
  }
  for (const e of model.exp) for (const tau of e.taus) plain(`exp${e.onset}Tau${tau}D`);
  for (const e of model.log) for (const tau of e.taus) plain(`log${e.onset}Tau${tau}D`);
  return out;
}

/**
 * Element-wise square root as float32, into `out` (a plain loop: `Float32Array.from(a,
 * Math.sqrt)` goes through the generic iterator and a callback per element, ~10x slower).
 */
export function sqrtFloat32(
  a: ArrayLike<number>,
  out: Float32Array = new Float32Array(a.length),
): Float32Array {
  for (let i = 0; i < a.length; i++) out[i] = Math.sqrt(a[i]!);
  return out;
}

/**
 * Float64 to float32 into `out`, with a plain loop: the `Float32Array` constructor converts
 * another typed array element by element in the runtime, about 4x slower in V8.
 */
export function toFloat32(
  a: ArrayLike<number>,
  out: Float32Array = new Float32Array(a.length),
): Float32Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  return out;
}
