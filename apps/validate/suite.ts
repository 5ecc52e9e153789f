/**
 * The MintPy reference suite: where it is and what its `cases*.json` files say.
 * @module
 */
import { join } from "node:path";

/** Comparison hints of one case (`compare` in cases.json). */
export interface CompareHints {
  /** Bootstrap outputs: compare statistically (README's `statistical` rule). */
  statistical: boolean;
  /** Relative part of the `*Std` tolerance (default 0.1%). */
  stdRelTol?: number;
  /**
   * A (date, date, y, x) covariance dataset is compared per pixel relative to that pixel's
   * largest |entry| of MintPy's: within this on 99.9% of values, 100x everywhere.
   */
  covRelTol?: number;
  /** Datasets not compared (a documented MintPy bug makes them differ). */
  skip: string[];
}

/** One expected output file; `optional` when cases.json spells it with a trailing `?`. */
export interface OutputSpec {
  name: string;
  optional: boolean;
}

/** One reference case. */
export interface CaseSpec {
  name: string;
  /** MintPy's script, e.g. `ifgram_inversion.py`. */
  mintpyScript: string;
  /** vinsar's command: the script without `.py`. */
  command: string;
  args: string[];
  /** Input files relative to the dataset folder (placed at the same relative paths). */
  inputs: string[];
  outputs: OutputSpec[];
  mintpyWallS?: number;
  mintpyPeakRssMb?: number;
  note: string;
  hints: CompareHints;
  /** Set when the entry cannot be validated (e.g. an unknown hint): the case fails. */
  invalid?: string;
}

/** One dataset folder of the suite. */
export interface DatasetSpec {
  name: string;
  dir: string;
  cases: CaseSpec[];
}

/** The suite folder: `$VINSAR_REFERENCE`, else `../shared/reference` beside the repository. */
export function suiteDir(): string {
  return Deno.env.get("VINSAR_REFERENCE") ??
    new URL("../../../shared/reference", import.meta.url).pathname.replace(/\/$/, "");
}

/** The repository root (two levels above this file). */
export function repoRoot(): string {
  return new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
}

/** True when `path` is an existing directory. */
export function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

const KNOWN_HINTS = ["statistical", "std_rel_tol", "cov_rel_tol", "skip"];

/**
 * Parse a case's `compare` object.
 * @throws Error naming the hint when a hint is unknown or malformed, so that no hint is
 *   ever silently ignored.
 */
export function parseHints(raw: unknown): CompareHints {
  const hints: CompareHints = { statistical: false, skip: [] };
  if (raw === undefined || raw === null) return hints;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`compare hints must be an object, got ${JSON.stringify(raw)}`);
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!KNOWN_HINTS.includes(key)) {
      throw new Error(`unknown compare hint "${key}" (known: ${KNOWN_HINTS.join(", ")})`);
    }
    if (key === "statistical") {
      if (typeof value !== "boolean") throw new Error(`hint statistical must be a boolean`);
      hints.statistical = value;
    } else if (key === "std_rel_tol") {
      if (typeof value !== "number" || !(value > 0)) {
        throw new Error(`hint std_rel_tol must be a positive number, got ${JSON.stringify(value)}`);
      }
      hints.stdRelTol = value;
    } else if (key === "cov_rel_tol") {
      if (typeof value !== "number" || !(value > 0)) {
        throw new Error(`hint cov_rel_tol must be a positive number, got ${JSON.stringify(value)}`);
      }
      hints.covRelTol = value;
    } else {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw new Error(`hint skip must be a list of dataset names`);
      }
      hints.skip = value;
    }
  }
  return hints;
}

function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
    throw new Error(`${what} must be a list of strings`);
  }
  return v;
}

/**
 * Parse one entry of cases.json. Structural errors (no name, no script) throw; a bad
 * `compare` hint marks the case `invalid` so that it is reported as a failure.
 */
export function parseCase(raw: Record<string, unknown>): CaseSpec {
  const name = raw.name;
  const script = raw.mintpy_script;
  if (typeof name !== "string" || typeof script !== "string") {
    throw new Error(`case without name or mintpy_script: ${JSON.stringify(raw).slice(0, 80)}`);
  }
  const spec: CaseSpec = {
    name,
    mintpyScript: script,
    command: script.replace(/\.py$/, ""),
    args: stringList(raw.args ?? [], `case ${name}: args`),
    inputs: stringList(raw.inputs ?? [], `case ${name}: inputs`),
    outputs: stringList(raw.outputs ?? [], `case ${name}: outputs`).map((o) => ({
      name: o.replace(/\?$/, ""),
      optional: o.endsWith("?"),
    })),
    mintpyWallS: typeof raw.mintpy_wall_s === "number" ? raw.mintpy_wall_s : undefined,
    mintpyPeakRssMb: typeof raw.mintpy_peak_rss_mb === "number"
      ? raw.mintpy_peak_rss_mb
      : undefined,
    note: typeof raw.note === "string" ? raw.note : "",
    hints: { statistical: false, skip: [] },
  };
  try {
    spec.hints = parseHints(raw.compare);
  } catch (e) {
    spec.invalid = `case ${name}: ${(e as Error).message}`;
  }
  return spec;
}

/**
 * Read every case list of one dataset folder: `cases.json` first, then each other
 * `cases*.json` (e.g. `cases-compat.json`) in name order. A case name must be unique across them.
 */
export function loadDataset(dir: string, name: string): DatasetSpec {
  const files = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && /^cases.*\.json$/.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a === "cases.json" ? -1 : b === "cases.json" ? 1 : a < b ? -1 : 1));
  if (files.length === 0) throw new Error(`${join(dir, "cases.json")}: not found`);
  const cases: CaseSpec[] = [];
  for (const file of files) {
    const path = join(dir, file);
    let json: { cases?: unknown };
    try {
      json = JSON.parse(Deno.readTextFileSync(path));
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    if (!Array.isArray(json.cases)) throw new Error(`${path}: no "cases" list`);
    for (const raw of json.cases) {
      const spec = parseCase(raw as Record<string, unknown>);
      if (cases.some((c) => c.name === spec.name)) {
        throw new Error(`${path}: case ${spec.name} is also in another case list`);
      }
      cases.push(spec);
    }
  }
  return { name, dir, cases };
}

/** Every dataset folder of the suite (those holding a cases.json), sorted by name. */
export function listDatasets(suite: string): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(suite)) {
    if (!e.isDirectory) continue;
    try {
      if (Deno.statSync(join(suite, e.name, "cases.json")).isFile) names.push(e.name);
    } catch { /* not a dataset folder */ }
  }
  return names.sort();
}
