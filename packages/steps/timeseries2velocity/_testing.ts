/**
 * Helpers of this step's tests: run the step with a reporter that keeps its lines, and
 * compare output files.
 * @module
 */
import { deepStrictEqual } from "node:assert/strict";
import { H5Reader } from "@vinsar/hdf5";
import type { Reporter } from "../reporter.ts";
import { run, type Timeseries2VelocityOptions } from "./mod.ts";

/** A reporter that keeps every line (warnings and debug lines included). */
export function capture(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string) => void lines.push(m);
  return { lines, info: keep, warn: keep, debug: keep, progress: () => ({ advance() {} }) };
}

/** Run the step quietly; its result and its log lines. */
export async function t2v(options: Timeseries2VelocityOptions) {
  const reporter = capture();
  const result = await run({ reporter, ...options });
  return { result, log: reporter.lines.join("\n") };
}

/** Every dataset of two files is the same (strings and numbers). */
export async function sameFiles(x: string, y: string): Promise<void> {
  const a = await H5Reader.open(x), b = await H5Reader.open(y);
  try {
    deepStrictEqual(a.datasets().sort(), b.datasets().sort());
    for (const name of a.datasets()) {
      if (name === "date") deepStrictEqual(a.readStrings(name), b.readStrings(name));
      else deepStrictEqual(a.read(name), b.read(name), name);
    }
  } finally {
    a.close();
    b.close();
  }
}
