/**
 * Text report of a harness run: one row per case, details under failures, a summary,
 * and the plain last line `N passed, N failed, N skipped`.
 * @module
 */
import type { CaseResult } from "./harness.ts";

/** Failing items shown under a failed case. */
export const MAX_MISMATCHES_SHOWN = 5;

function seconds(s: number | undefined): string {
  return s === undefined ? "-" : s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

function megabytes(mb: number | undefined): string {
  return mb === undefined ? "-" : `${Math.round(mb)} MB`;
}

function ratio(mintpy: number | undefined, ours: number | undefined, suffix: string): string {
  if (mintpy === undefined || ours === undefined || !(ours > 0)) return "";
  return ` (${(mintpy / ours).toFixed(1)}${suffix})`;
}

/** Header of the case table. */
export function formatHeader(): string {
  return [
    "dataset".padEnd(12),
    "case".padEnd(16),
    "status".padEnd(6),
    "time vinsar / MintPy (speed-up)".padEnd(34),
    "peak RSS vinsar / MintPy",
  ].join(" ");
}

/**
 * Lines for one case: the row, then for a failure the first few mismatches; with
 * `verbose`, every compared item and note.
 */
export function formatCase(r: CaseResult, verbose = false): string[] {
  const ran = r.wallS !== undefined;
  const time = ran
    ? `${seconds(r.wallS)} / ${seconds(r.mintpyWallS)}${
      // A failed run's time says nothing about speed.
      r.status === "PASS" ? ratio(r.mintpyWallS, r.wallS, "x") : ""}`
    : "";
  const rss = ran && r.peakRssMb !== undefined
    ? `${megabytes(r.peakRssMb)} / ${megabytes(r.mintpyPeakRssMb)}`
    : "";
  const row = [
    r.dataset.padEnd(12),
    r.caseName.padEnd(16),
    r.status.padEnd(6),
    (r.status === "SKIP" ? (r.reason ?? "") : time).padEnd(34),
    r.status === "SKIP" ? "" : rss,
  ].join(" ").trimEnd();
  const lines = [row];
  if (r.status === "FAIL" && r.reason) lines.push(`    ${r.reason}`);
  const failing = r.verdicts.filter((v) => !v.passed);
  if (r.status === "FAIL") {
    for (const v of failing.slice(0, MAX_MISMATCHES_SHOWN)) {
      lines.push(`    x ${v.what}: ${v.message}`);
    }
    if (failing.length > MAX_MISMATCHES_SHOWN) {
      lines.push(`    ... and ${failing.length - MAX_MISMATCHES_SHOWN} more mismatches`);
    }
  }
  if (verbose) {
    for (const v of r.verdicts.filter((v) => v.passed)) {
      lines.push(`    ok ${v.what}: ${v.message}`);
    }
  }
  if (verbose || r.status !== "SKIP") { for (const n of r.notes) lines.push(`    note: ${n}`); }
  if (r.workDir) lines.push(`    kept: ${r.workDir}`);
  return lines;
}

/** Summary lines; the last one is exactly `N passed, N failed, N skipped`. */
export function formatSummary(results: CaseResult[]): string[] {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const lines: string[] = [];
  const timed = results.filter((r) =>
    r.status === "PASS" && r.wallS !== undefined && r.mintpyWallS !== undefined
  );
  if (timed.length) {
    const ours = timed.reduce((s, r) => s + r.wallS!, 0);
    const mintpy = timed.reduce((s, r) => s + r.mintpyWallS!, 0);
    const logMean = timed.reduce((s, r) => s + Math.log(r.mintpyWallS! / r.wallS!), 0) /
      timed.length;
    lines.push(
      `passing cases: vinsar ${seconds(ours)} vs MintPy ${seconds(mintpy)} in total (${
        (mintpy / ours).toFixed(1)
      }x; geometric mean ${Math.exp(logMean).toFixed(1)}x per case, CLI start-up included)`,
    );
  }
  const failed = results.filter((r) => r.status === "FAIL");
  if (failed.length) {
    lines.push(`failed: ${failed.map((r) => `${r.dataset}/${r.caseName}`).join(", ")}`);
  }
  const skipped = new Map<string, number>();
  for (const r of results.filter((r) => r.status === "SKIP")) {
    const why = r.reason ?? "skipped";
    skipped.set(why, (skipped.get(why) ?? 0) + 1);
  }
  for (const [why, n] of skipped) lines.push(`skipped ${n}: ${why}`);
  lines.push(`${count("PASS")} passed, ${count("FAIL")} failed, ${count("SKIP")} skipped`);
  return lines;
}
