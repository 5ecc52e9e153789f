/**
 * MintPy's template file (`-t smallbaselineApp.cfg`) for `timeseries2velocity`: the
 * `mintpy.timeFunc.*` keys (and `mintpy.compute.maxMemory`) override the flags, `auto`
 * takes MintPy's default, `no`/`none`/`false` leaves the flag's value.
 * @module
 */
import { basename } from "node:path";
import { InputError, log, normalizeDate, type TimeFunctionConfig } from "@vinsar/core";
import { numberArg, type ParsedArgs } from "../args.ts";

/** The options a template can set (MintPy's `inps` fields): the time-function configuration. */
export type TemplateOptions = TimeFunctionConfig;

/** MintPy's template keys `mintpy.timeFunc.*`; returns whether it set the excluded dates. */
export function applyTemplate(
  path: string,
  cfg: TemplateOptions,
  args: ParsedArgs,
): boolean {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    throw new InputError(`flag -t/--template: ${path}: file not found`);
  }
  log.info(`read options from template file: ${basename(path)}`);
  const auto: Record<string, string> = {
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
  };
  let exSet = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.split("#")[0]!.trim();
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim().replaceAll("[", "").replaceAll("]", "");
    if (key === "mintpy.compute.maxMemory" && value && value.toLowerCase() !== "auto") {
      args.maxMemory = value;
      continue;
    }
    if (!key.startsWith("mintpy.timeFunc.")) continue;
    const k = key.slice("mintpy.timeFunc.".length);
    if (!(k in auto)) continue;
    if (value.toLowerCase() === "auto") value = auto[k]!;
    if (!value || ["no", "none", "false"].includes(value.toLowerCase())) continue;
    const what = `template ${key}`;
    switch (k) {
      case "startDate":
        cfg.startDate = normalizeDate(value, what);
        break;
      case "endDate":
        cfg.endDate = normalizeDate(value, what);
        break;
      case "excludeDate":
        cfg.excludeDate = value.split(",").map((v) => v.trim()).filter(Boolean)
          .map((v) => (/^\d{6}$/.test(v) ? normalizeDate(v, what) : v));
        exSet = true;
        break;
      case "periodic":
        cfg.periodic = value.replaceAll(";", ",").split(",").map((v) => floatArg(v.trim(), what));
        break;
      case "stepDate":
        cfg.stepDate = value.replaceAll(";", ",").split(",").map((v) => v.trim());
        break;
      case "exp":
      case "log":
        cfg[k] = value.replaceAll("/", ";").replaceAll("|", ";").split(";")
          .map((g) => g.split(",").map((v) => v.trim()));
        break;
      case "uncertaintyQuantification":
        cfg.uncertaintyQuantification = value;
        break;
      case "timeSeriesCovFile":
        cfg.timeSeriesCovFile = value;
        break;
      case "polynomial":
        cfg.polynomial = intArg(value, what);
        break;
      case "bootstrapCount":
        cfg.bootstrapCount = intArg(value, what);
        break;
    }
  }
  return exSet;
}

/** A whole-number flag value, with a one-line error naming the flag. */
export function intArg(v: unknown, flag: string): number {
  const s = String(v).trim();
  if (!/^[+-]?\d+$/.test(s)) throw new InputError(`flag ${flag}: "${v}" is not a whole number`);
  return Number(s);
}

/** A number flag value, with a one-line error naming the flag. */
export function floatArg(v: string, flag: string): number {
  const n = numberArg(v, flag)!;
  return n;
}
