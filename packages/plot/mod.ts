/**
 * Charts and maps of vinsar, without a graphics dependency: a {@link Scene} of shapes
 * rendered to SVG or PNG (embedded bitmap font, own PNG encoder), the date bar chart of
 * `timeseries_rms`, raster maps with colormaps, and the log-x line chart of the benchmark
 * pages.
 *
 * @example
 * ```ts
 * import { lineChartSvg } from "@vinsar/plot";
 *
 * const svg = lineChartSvg({
 *   title: "throughput",
 *   xLabel: "pixels",
 *   yLabel: "pixels/s",
 *   series: [{ label: "ts", color: "#1f77b4", points: [[1e4, 2e5], [1e5, 3e5]] }],
 * });
 * ```
 * @module
 */
export * from "./bar_chart.ts";
export * from "./canvas.ts";
export * from "./colormap.ts";
export * from "./font.ts";
export * from "./line_chart.ts";
export * from "./png.ts";
export * from "./raster_map.ts";
export * from "./rms_chart.ts";
export * from "./scene.ts";
export * from "./ticks.ts";
