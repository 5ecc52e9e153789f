/**
 * Compare one vinsar output file with MintPy's: HDF5 files dataset by dataset (read in
 * slabs through `@vinsar/hdf5`), text files line by line.
 * @module
 */
import { H5Reader, type NumericArray } from "@vinsar/hdf5";
import {
  addPixelPeaks,
  amplitudeMask,
  bootstrapTolerance,
  compareAttributes,
  compareStrings,
  covarianceTolerance,
  describeStdRatio,
  describeTolerance,
  StdRatioCheck,
  ToleranceCheck,
  type Verdict,
} from "./compare.ts";
import { compareDateText, compareRmsText } from "./compare_text.ts";
import type { CompareHints } from "./suite.ts";
import {
  covarianceRule,
  MIN_PHASE_AMPLITUDE,
  offsetTimeseriesRule,
  type Rule,
  ruleFor,
} from "./tolerance.ts";

/** Values per slab read from each file (bounded memory whatever the dataset size). */
const SLAB_VALUES = 4 * 2 ** 20;

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Compare output `name` of vinsar (`ours`) with MintPy's (`ref`).
 * @returns one verdict per compared item (attributes, datasets, or the text file).
 */
export async function compareOutputFile(
  ours: string,
  ref: string,
  hints: CompareHints,
): Promise<Verdict[]> {
  const name = basename(ref);
  if (name.endsWith(".h5")) return await compareH5(ours, ref, hints);
  if (name.endsWith(".txt")) {
    const a = Deno.readTextFileSync(ours);
    const b = Deno.readTextFileSync(ref);
    if (name.startsWith("rms_")) return [compareRmsText(name, a, b)];
    if (name.endsWith("_date.txt")) return [compareDateText(name, a, b)];
  }
  return [{ what: name, passed: false, message: "no comparison rule for this file type" }];
}

function isStringDtype(dtype: string): boolean {
  // h5wasm spells fixed-length strings "S8" or "A8" depending on padding.
  return /^\|?[SAU]\d*$/.test(dtype) || dtype === "string";
}

/** Compare two HDF5 files by the README's rules. */
export async function compareH5(
  oursPath: string,
  refPath: string,
  hints: CompareHints,
): Promise<Verdict[]> {
  const file = basename(refPath);
  const verdicts: Verdict[] = [];
  const ref = await H5Reader.open(refPath);
  let ours: H5Reader;
  try {
    ours = await H5Reader.open(oursPath);
  } catch (e) {
    ref.close();
    return [{ what: file, passed: false, message: `cannot open: ${(e as Error).message}` }];
  }
  try {
    const refAttrs = ref.attrs();
    verdicts.push(compareAttributes(file, ours.attrs(), refAttrs));
    const refNames = ref.datasets().sort();
    const ourNames = ours.datasets();
    for (const name of refNames) {
      const what = `${file}:${name}`;
      if (hints.skip.includes(name)) {
        verdicts.push({ what, passed: true, message: "not compared (skip hint)" });
        continue;
      }
      if (!ourNames.includes(name)) {
        verdicts.push({ what, passed: false, message: "missing in vinsar's file" });
        continue;
      }
      const ri = ref.info(name);
      const oi = ours.info(name);
      if (ri.shape.join() !== oi.shape.join()) {
        verdicts.push({
          what,
          passed: false,
          message: `shape (${oi.shape.join(", ")}) vs MintPy (${ri.shape.join(", ")})`,
        });
        continue;
      }
      const isString = isStringDtype(ri.dtype);
      const rule = (isString ? null : covarianceRule(ri.shape, hints)) ??
        (isString ? null : offsetTimeseriesRule(name, refAttrs)) ??
        ruleFor(name, refNames, hints, isString);
      const v = compareDataset(ours, ref, name, rule, ri.shape, what);
      if (!isString && oi.dtype !== ri.dtype && ri.dtype !== "bool") {
        v.message += ` [dtype ${oi.dtype}, MintPy ${ri.dtype}]`;
      }
      verdicts.push(v);
    }
    const extra = ourNames.filter((n) => !refNames.includes(n));
    if (extra.length) {
      verdicts.push({
        what: file,
        passed: true,
        message: `note: datasets not in MintPy's file: ${extra.join(", ")}`,
      });
    }
  } catch (e) {
    verdicts.push({ what: file, passed: false, message: (e as Error).message });
  } finally {
    ours.close();
    ref.close();
  }
  return verdicts;
}

/** Read dataset `name` in slabs along its first axis and feed `visit`. */
function forEachSlab(
  readers: Array<[H5Reader, string]>,
  shape: readonly number[],
  visit: (slabs: NumericArray[], offset: number) => void,
): void {
  if (shape.length === 0) {
    visit(readers.map(([r, n]) => r.read(n)), 0);
    return;
  }
  const inner = shape.slice(1).reduce((p, n) => p * n, 1);
  const rows = Math.max(1, Math.floor(SLAB_VALUES / Math.max(inner, 1)));
  for (let start = 0; start < shape[0]!; start += rows) {
    const stop = Math.min(shape[0]!, start + rows);
    visit(readers.map(([r, n]) => r.read(n, [[start, stop]])), start * inner);
  }
}

function compareDataset(
  ours: H5Reader,
  ref: H5Reader,
  name: string,
  rule: Rule,
  shape: number[],
  what: string,
): Verdict {
  switch (rule.kind) {
    case "strings":
      return compareStrings(what, ours.readStrings(name), ref.readStrings(name));
    case "unknown":
      return { what, passed: false, message: `no tolerance rule for dataset "${name}"` };
    case "numeric": {
      const check = new ToleranceCheck({ abs: rule.abs, rel: rule.rel });
      forEachSlab([[ours, name], [ref, name]], shape, ([a, b], off) => check.add(a!, b!, off));
      return describeTolerance(what, rule.label, check.stats(), shape);
    }
    case "phase": {
      if (!ref.has(rule.amplitude)) {
        return { what, passed: false, message: `no ${rule.amplitude} in MintPy's file` };
      }
      const check = new ToleranceCheck({ abs: rule.abs, wrap: true });
      forEachSlab(
        [[ours, name], [ref, name], [ref, rule.amplitude]],
        shape,
        ([a, b, amp], off) => check.add(a!, b!, off, amplitudeMask(amp!, MIN_PHASE_AMPLITUDE)),
      );
      return describeTolerance(what, rule.label, check.stats(), shape);
    }
    case "statisticalParam": {
      // No 100x rule: a bootstrap mean differs from another run's by sampling noise.
      const check = new ToleranceCheck({ abs: 0, hundredfold: false });
      forEachSlab(
        [[ours, name], [ref, name], [ref, rule.std]],
        shape,
        ([a, b, s], off) => check.add(a!, b!, off, undefined, bootstrapTolerance(s!, b!)),
      );
      return describeTolerance(what, rule.label, check.stats(), shape);
    }
    case "covariance": {
      // Two passes: each pixel's largest |entry| of MintPy's, then every value against it.
      const peaks = new Float64Array(shape[2]! * shape[3]!);
      forEachSlab([[ref, name]], shape, ([b], off) => addPixelPeaks(b!, off, peaks));
      const check = new ToleranceCheck({ abs: 0 });
      forEachSlab([[ours, name], [ref, name]], shape, ([a, b], off) => {
        check.add(a!, b!, off, undefined, covarianceTolerance(peaks, rule.rel, off, b!.length));
      });
      return describeTolerance(what, rule.label, check.stats(), shape);
    }
    case "statisticalStd": {
      const check = new StdRatioCheck();
      forEachSlab([[ours, name], [ref, name]], shape, ([a, b]) => check.add(a!, b!));
      return describeStdRatio(what, check.stats());
    }
  }
}
