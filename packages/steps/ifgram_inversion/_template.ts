/**
 * MintPy's template file (`-t smallbaselineApp.cfg`) for `ifgram_inversion`, as MintPy's
 * `read_template2inps`: the keys `mintpy.networkInversion.{weightFunc, waterMaskFile,
 * minNormVelocity, maskDataset, maskThreshold, minRedundancy}` and `mintpy.compute.{maxMemory,
 * cluster, numWorker, config}`, `auto` replaced by the value of MintPy's
 * `smallbaselineApp_auto.cfg`, `yes`/`true`, `no`/`false`, `none` read as MintPy reads them;
 * and, when no dataset is given, `mintpy.unwrapError.method` picks the dataset's suffix.
 *
 * An option already set (given on the command line) wins over its key: only options left
 * undefined are filled from the template.
 * @module
 */
import { InputError, type MaskDataset, WEIGHT_FUNCS, type WeightFunc } from "@vinsar/core";
import { isTemplateOff, readTemplate, type Template, templateSection } from "@vinsar/hdf5";
import type { Reporter } from "../reporter.ts";
import type { IfgramInversionOptions } from "./options.ts";
import { isFile } from "../pipeline/context.ts";

/** MintPy's `auto` values (`defaults/smallbaselineApp_auto.cfg`) of the network keys. */
const NETWORK_AUTO: Record<string, string> = {
  weightFunc: "var",
  waterMaskFile: "waterMask.h5",
  minNormVelocity: "yes",
  maskDataset: "no",
  maskThreshold: "0.4",
  minRedundancy: "1.0",
};

/** MintPy's `auto` values of the computing keys. */
const COMPUTE_AUTO: Record<string, string> = {
  maxMemory: "4",
  cluster: "none",
  numWorker: "4",
  config: "none",
};

/** MintPy's dataset suffix of each unwrapping-error correction method. */
const UNWRAP_ERROR_SUFFIX: Record<string, string> = {
  "bridging": "_bridging",
  "phase_closure": "_phaseClosure",
  "bridging+phase_closure": "_bridging_phaseClosure",
};

/** Mask datasets a template may name (besides the `*OffsetStd` ones). */
const MASK_DATASETS = ["coherence", "connectComponent", "offsetSNR"];

/**
 * `options` with the template's values filled into the options left undefined.
 * @throws InputError naming the template file (unreadable) or the key at fault (a value
 *   MintPy cannot use).
 */
export function applyInversionTemplate(
  options: IfgramInversionOptions,
  reporter: Reporter,
): IfgramInversionOptions {
  const path = options.templateFile;
  if (!path) return options;
  let template: Template;
  try {
    template = readTemplate(path);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`flag -t/--template: ${e.message}`);
  }
  reporter.info(`read input option from template file: ${path}`);
  const out: IfgramInversionOptions = { ...options };
  const bad = (key: string, value: string, why: string) =>
    new InputError(`${path}: ${key} = ${value}: ${why}`);

  const net = templateSection(template, "mintpy.networkInversion.", NETWORK_AUTO);
  const key = (k: string) => `mintpy.networkInversion.${k}`;
  if (out.weightFunc === undefined && net.weightFunc !== undefined) {
    const v = net.weightFunc;
    const w = isTemplateOff(v) ? "no" : templateWeightFunc(v);
    if (w === null) throw bad(key("weightFunc"), v, `not one of ${WEIGHT_FUNCS.join(", ")}`);
    out.weightFunc = w;
  }
  if (out.minNormVelocity === undefined && net.minNormVelocity !== undefined) {
    const v = net.minNormVelocity;
    if (isTemplateOff(v)) out.minNormVelocity = false;
    else if (["yes", "true"].includes(v.toLowerCase())) out.minNormVelocity = true;
    else throw bad(key("minNormVelocity"), v, "not yes or no");
  }
  if (out.maskDataset === undefined && net.maskDataset !== undefined) {
    const v = net.maskDataset;
    if (isTemplateOff(v)) out.maskDataset = null;
    else if (MASK_DATASETS.includes(v) || v.endsWith("OffsetStd")) {
      out.maskDataset = v as MaskDataset;
    } else {
      throw bad(key("maskDataset"), v, `not one of ${MASK_DATASETS.join(", ")}, *OffsetStd, no`);
    }
  }
  // MintPy leaves these at their defaults when the key is no/none/false.
  if (out.maskThreshold === undefined && net.maskThreshold !== undefined) {
    out.maskThreshold = number(
      net.maskThreshold,
      () => bad(key("maskThreshold"), net.maskThreshold!, "not a number"),
    );
  }
  if (out.minRedundancy === undefined && net.minRedundancy !== undefined) {
    out.minRedundancy = number(
      net.minRedundancy,
      () => bad(key("minRedundancy"), net.minRedundancy!, "not a number"),
    );
  }
  if (out.waterMaskFile === undefined && net.waterMaskFile && !isTemplateOff(net.waterMaskFile)) {
    // MintPy drops a water mask file that does not exist (auto: waterMask.h5, often absent).
    if (isFile(net.waterMaskFile)) out.waterMaskFile = net.waterMaskFile;
    else {
      reporter.info(
        `water mask ${net.waterMaskFile} (${key("waterMaskFile")}) not found: no water masking`,
      );
    }
  }

  const compute = templateSection(template, "mintpy.compute.", COMPUTE_AUTO);
  if (out.maxMemory === undefined && compute.maxMemory !== undefined) {
    const v = compute.maxMemory;
    const gb = number(v, () => bad("mintpy.compute.maxMemory", v, "not a number of GB"));
    if (gb !== undefined && !(gb > 0)) {
      throw bad("mintpy.compute.maxMemory", v, "not a positive number of GB");
    }
    out.maxMemory = gb;
  }
  if (compute.cluster !== undefined && !isTemplateOff(compute.cluster)) {
    // The CLI reads mintpy.compute.cluster/numWorker/config (apps/cli/cluster.ts); a task of a
    // cluster runs this step on its tile.
    reporter.debug(`mintpy.compute.cluster = ${compute.cluster}: handled by the command line`);
  }

  if (out.obsDatasetName === undefined) {
    const method = templateSection(template, "mintpy.unwrapError.", { method: "no" }).method;
    if (method !== undefined && !isTemplateOff(method)) {
      const m = method.toLowerCase().replaceAll(" ", "");
      const suffix = UNWRAP_ERROR_SUFFIX[m];
      if (suffix === undefined) {
        throw bad(
          "mintpy.unwrapError.method",
          method,
          `not one of ${Object.keys(UNWRAP_ERROR_SUFFIX).join(", ")}, no`,
        );
      }
      out.obsDatasetName = `unwrapPhase${suffix}`;
      reporter.info(`phase unwrapping error correction "${m}" is turned ON`);
      reporter.info(`use dataset "${out.obsDatasetName}" by default`);
    }
  }
  return out;
}

/** A template number, undefined for MintPy's off words (the option keeps its default). */
function number(value: string, error: () => InputError): number | undefined {
  if (isTemplateOff(value)) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw error();
  return n;
}

/**
 * MintPy's reading of a template's weight function, any case: containing "var" -> var,
 * "coh" or "lin" -> coh, "fim" or "fisher" -> fim; "no", "sbas" or "uniform" -> no; else null.
 */
export function templateWeightFunc(value: string): WeightFunc | null {
  const v = value.trim().toLowerCase();
  if (v.includes("var")) return "var";
  if (v.includes("coh") || v.includes("lin")) return "coh";
  if (v.includes("fim") || v.includes("fisher")) return "fim";
  if (["no", "sbas", "uniform"].includes(v)) return "no";
  return null;
}
