/**
 * What `timeseries_rms` decides from the RMS per date, written as MintPy does: the
 * reference date, the outlier dates and the chart.
 * @module
 */
import { join } from "node:path";
import { analyzeRms, InputError, pyFloat, type RmsAnalysis } from "@vinsar/core";
import { drawRmsChart } from "@vinsar/plot/chart-thread";
import type { OutputSet } from "../pipeline/mod.ts";
import type { Reporter } from "../reporter.ts";

/** Settings of {@link writeAnalysis}. */
export interface AnalysisOptions {
  dates: string[];
  /** RMS per date. */
  rms: ArrayLike<number>;
  /** M-score of the outlier threshold. */
  cutoff: number;
  /** Chart size in inches, or null (MintPy's default). */
  figSize: [number, number] | null;
  tickYearNum: number;
  /** Path of the chart without its extension (`.svg`, `.png` and MintPy's `.pdf`). */
  chartBase: string;
  /** Folder of reference_date.txt and exclude_date.txt. */
  workDir: string;
  reporter: Reporter;
}

/** The files {@link writeAnalysis} stages. */
export interface AnalysisFiles {
  referenceDateFile: string;
  /** exclude_date.txt, or null when there is no outlier (a stale one is removed). */
  excludeDateFile: string | null;
  chartFiles: string[];
}

/**
 * reference_date.txt, exclude_date.txt and the chart, as MintPy's `analyze_rms` + plot.
 * @throws InputError when no date has any pixel in the mask.
 */
export async function writeAnalysis(
  out: OutputSet,
  options: AnalysisOptions,
): Promise<RmsAnalysis & AnalysisFiles> {
  const { dates, cutoff, chartBase, reporter } = options;
  const a = analyzeRms(options.rms, cutoff);
  if (a.refIndex < 0) throw new InputError("no date has any pixel in the mask: RMS is undefined");
  const bar = "-".repeat(50);
  reporter.info(
    `${bar}\ndate with min RMS: ${dates[a.refIndex]} - ${a.rms[a.refIndex]!.toFixed(4)}`,
  );
  const referenceDateFile = join(options.workDir, "reference_date.txt");
  out.text(referenceDateFile, `${dates[a.refIndex]}\n`);
  reporter.info(`save date to file: ${referenceDateFile}`);
  reporter.info(bar);
  reporter.info(`date(s) with RMS > ${pyFloat(cutoff)} * median RMS (${a.threshold.toFixed(4)})`);
  let excludeDateFile: string | null = join(options.workDir, "exclude_date.txt");
  if (a.excluded.length) {
    for (const i of a.excluded) reporter.info(`${dates[i]} - ${a.rms[i]!.toFixed(4)}`);
    out.text(excludeDateFile, a.excluded.map((i) => dates[i] + "\n").join(""));
    reporter.info(`save date(s) to file: ${excludeDateFile}`);
  } else {
    reporter.info("None.");
    out.remove(excludeDateFile);
    excludeDateFile = null;
  }
  const chart = await drawRmsChart(dates, a, cutoff, {
    figSize: options.figSize,
    tickYearNum: options.tickYearNum,
  });
  out.text(`${chartBase}.svg`, chart.svg);
  out.bytes(`${chartBase}.png`, chart.png);
  out.bytes(`${chartBase}.pdf`, chart.pdf);
  reporter.info(`save figure to file: ${chartBase}.pdf, ${chartBase}.svg, ${chartBase}.png`);
  return {
    ...a,
    referenceDateFile,
    excludeDateFile,
    chartFiles: [`${chartBase}.svg`, `${chartBase}.png`, `${chartBase}.pdf`],
  };
}
