/**
 * MintPy's template file (`-t smallbaselineApp.cfg`) for `timeseries2velocity`: the
 * `mintpy.timeFunc.*` keys (and `mintpy.compute.maxMemory`) override the options, `auto`
 * takes MintPy's default, `no`/`none`/`false` leaves the option's value.
 * @module
 */
import { basename } from "node:path";
import { InputError, normalizeDate, type TimeFunctionConfig } from "@vinsar/core";
import { isTemplateOff, readTemplate, templateSection } from "@vinsar/hdf5";
import type { Reporter } from "../reporter.ts";

/** What a template set besides the time-function configuration. */
export interface TemplateOverrides {
  /** `mintpy.timeFunc.excludeDate` was set (then missing exclude-date files are ignored). */
  excludeDateSet: boolean;
  /** `mintpy.compute.maxMemory`, GB. */
  maxMemory?: number;
}

/**
 * Apply MintPy's template keys `mintpy.timeFunc.*` of the file at `path` to `config`.
 * @throws InputError naming the file or the key at fault.
 */
export function applyTemplate(
  path: string,
  config: TimeFunctionConfig,
  options: { reporter: Reporter },
): TemplateOverrides {
  let template;
  try {
    template = readTemplate(path);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`flag -t/--template: ${path}: file not found`);
  }
  options.reporter.info(`read options from template file: ${basename(path)}`);
  const overrides: TemplateOverrides = { excludeDateSet: false };
  const maxMemory = templateSection(template, "mintpy.compute.", { maxMemory: "" }).maxMemory;
  if (maxMemory) overrides.maxMemory = floatArg(maxMemory, "template mintpy.compute.maxMemory");
  const section = templateSection(template, "mintpy.timeFunc.", {
    startDate: "no",
    endDate: "no",
    excludeDate: "exclude_date.txt",
    polynomial: "1",
    periodic: "no",
    stepDate: "no",
    exp: "no",
    log: "no",
    uncertaintyQuantification: "residue",
    timeSeriesCovFile: "no",
    bootstrapCount: "400",
  });
  for (const [k, value] of Object.entries(section)) {
    if (isTemplateOff(value)) continue;
    const what = `template mintpy.timeFunc.${k}`;
    switch (k) {
      case "startDate":
        config.startDate = normalizeDate(value, what);
        break;
      case "endDate":
        config.endDate = normalizeDate(value, what);
        break;
      case "excludeDate":
        config.excludeDate = value.split(",").map((v) => v.trim()).filter(Boolean)
          .map((v) => (/^\d{6}$/.test(v) ? normalizeDate(v, what) : v));
        overrides.excludeDateSet = true;
        break;
      case "periodic":
        config.periodic = value.replaceAll(";", ",").split(",")
          .map((v) => floatArg(v.trim(), what));
        break;
      case "stepDate":
        config.stepDate = value.replaceAll(";", ",").split(",").map((v) => v.trim());
        break;
      case "exp":
      case "log":
        config[k] = value.replaceAll("/", ";").replaceAll("|", ";").split(";")
          .map((g) => g.split(",").map((v) => v.trim()));
        break;
      case "uncertaintyQuantification":
        config.uncertaintyQuantification = value;
        break;
      case "timeSeriesCovFile":
        config.timeSeriesCovFile = value;
        break;
      case "polynomial":
        config.polynomial = intArg(value, what);
        break;
      case "bootstrapCount":
        config.bootstrapCount = intArg(value, what);
        break;
    }
  }
  return overrides;
}

/** A whole number from a template value, with a one-line error naming the key. */
function intArg(value: string, what: string): number {
  const s = value.trim();
  if (!/^[+-]?\d+$/.test(s)) throw new InputError(`flag ${what}: "${value}" is not a whole number`);
  return Number(s);
}

/** A number from a template value, with a one-line error naming the key. */
function floatArg(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new InputError(`flag ${what}: "${value}" is not a number`);
  }
  return n;
}
