/**
 * The settings of a `timeseries_rms` run, resolved from its options and MintPy's template keys
 * `mintpy.residualRMS.*`, and the files they name.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { InputError, isRampType, RAMP_TYPES, type RampType } from "@vinsar/core";
import { isTemplateOff, readTemplate, templateSection } from "@vinsar/hdf5";
import { splitext } from "./_timeseries_input.ts";
import type { TimeseriesRmsOptions } from "./options.ts";

/** The settings after the template. */
interface RmsSettings {
  maskFile: string | null;
  deramp: RampType | "no";
  cutoff: number;
}

/** `mintpy.residualRMS.*` options of a template file (`auto` already replaced). */
function templateOptions(path: string): Record<string, string> {
  let template;
  try {
    template = readTemplate(path);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`flag -t/--template: cannot read template file ${path}`);
  }
  return templateSection(template, "mintpy.residualRMS.", {
    maskFile: "maskTempCoh.h5",
    deramp: "quadratic",
    cutoff: "3",
  });
}

/** The options with the template's values over them, checked. */
function resolveSettings(options: TimeseriesRmsOptions): RmsSettings {
  let maskFile = options.maskFile === undefined ? "maskTempCoh.h5" : options.maskFile;
  let deramp: string = options.deramp ?? "quadratic";
  let cutoff = options.cutoff ?? 3;
  if (options.templateFile) {
    const t = templateOptions(options.templateFile);
    if (t.maskFile !== undefined) maskFile = isTemplateOff(t.maskFile) ? null : t.maskFile;
    if (t.deramp !== undefined) deramp = isTemplateOff(t.deramp) ? "no" : t.deramp;
    if (t.cutoff !== undefined) {
      // MintPy turns no/false (yes/true) into False (True) before `float()`: 0 (1).
      const word = t.cutoff.trim().toLowerCase();
      const flag = ({ no: "0", false: "0", yes: "1", true: "1" } as Record<string, string>)[word];
      cutoff = word === "" ? NaN : Number(flag ?? t.cutoff);
      if (!Number.isFinite(cutoff)) {
        throw new InputError(`flag --cutoff: "${t.cutoff}" is not a number`);
      }
    }
  }
  if (deramp !== "no" && !isRampType(deramp)) {
    throw new InputError(
      `flag -r/--ramp: unknown ramp type "${deramp}" (choose from ${RAMP_TYPES.join(", ")}, no)`,
    );
  }
  if (!Number.isFinite(cutoff)) throw new RangeError(`flag --cutoff: "${cutoff}" is not a number`);
  return { maskFile, deramp: deramp as RampType | "no", cutoff };
}

/** The settings of `options` (after the template) and the files they name. */
export function rmsFiles(options: TimeseriesRmsOptions): {
  settings: { maskFile: string | null; deramp: RampType | "no"; cutoff: number };
  tsFile: string;
  rampFile: string;
  rmsFile: string;
  chartBase: string;
} {
  const settings = resolveSettings(options);
  const tsFile = options.timeseriesFile;
  const rampFile = settings.deramp === "no" ? tsFile : `${splitext(tsFile)[0]}_ramp.h5`;
  const rmsFile = join(dirname(rampFile), `rms_${splitext(basename(rampFile))[0]}.txt`);
  const chartBase = splitext(rmsFile)[0];
  return { settings, tsFile, rampFile, rmsFile, chartBase };
}
