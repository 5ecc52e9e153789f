/**
 * The chart of `timeseries_rms`: residual phase RMS per date in mm as bars, the reference
 * date (minimum RMS) in orange, outlier dates in grey, and the dashed
 * `cutoff x MAD` threshold, laid out like MintPy's `plot_timeseries_rms`.
 * @module
 */
import { pyFloat } from "@vinsar/core/py-format";
import type { RmsAnalysis } from "@vinsar/core/residual-rms";
import { CHART_COLORS, dateBarChartScene, type DateBarChartSpec } from "./bar_chart.ts";
import { sceneToPdf, sceneToPng } from "./render.ts";
import { sceneToSvg } from "./scene.ts";

/** Options of {@link rmsChartSpec}. */
export interface RmsChartOptions {
  /** `--figsize` in inches as given by the user; null for MintPy's default rule. */
  figSize?: readonly [number, number] | null;
  /** `--tick-year-num`. */
  tickYearNum?: number;
  title?: string;
}

/**
 * MintPy's default figure size: 5 x 3 inches, widened to `min(15, 5 * N / 120)` inches
 * (one decimal) when there are more than 120 dates.
 */
export function rmsFigureSize(numDates: number): [number, number] {
  if (numDates <= 120) return [5, 3];
  return [Number(Math.min(15, 5 * numDates / 120).toFixed(1)), 3];
}

/** The bar-chart description of an RMS analysis. */
export function rmsChartSpec(
  dates: readonly string[],
  analysis: RmsAnalysis,
  cutoff: number,
  opts: RmsChartOptions = {},
): DateBarChartSpec {
  const barCategory = new Uint8Array(dates.length);
  for (const i of analysis.excluded) barCategory[i] = 2;
  if (analysis.refIndex >= 0) barCategory[analysis.refIndex] = 1;
  return {
    dates,
    values: Array.from(analysis.rms, (v) => v * 1000),
    categories: [
      { color: CHART_COLORS.C0 },
      { color: CHART_COLORS.C1, label: "Reference date" },
      { color: CHART_COLORS.darkgray, label: "Exclude date" },
    ],
    barCategory,
    threshold: {
      value: analysis.threshold * 1000,
      label: `Median Abs Dev * ${pyFloat(cutoff)}`,
    },
    annotate: [...(analysis.refIndex >= 0 ? [analysis.refIndex] : []), ...analysis.excluded],
    yLabel: "Residual phase RMS [mm]",
    title: opts.title,
    figSize: opts.figSize ?? rmsFigureSize(dates.length),
    tickYearNum: opts.tickYearNum,
  };
}

/** The RMS chart as SVG text, PNG bytes and PDF bytes (MintPy writes the PDF). */
export async function renderRmsChart(
  dates: readonly string[],
  analysis: RmsAnalysis,
  cutoff: number,
  opts: RmsChartOptions = {},
): Promise<{ svg: string; png: Uint8Array; pdf: Uint8Array }> {
  const scene = dateBarChartScene(rmsChartSpec(dates, analysis, cutoff, opts));
  const [png, pdf] = await Promise.all([sceneToPng(scene), sceneToPdf(scene)]);
  return { svg: sceneToSvg(scene), png, pdf };
}
