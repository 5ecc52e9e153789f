/**
 * Charts and maps of vinsar: a {@link Scene} of shapes written as SVG, rasterized to PNG by
 * resvg and drawn to PDF by pdfkit, all in DejaVu Sans (matplotlib's font); the date bar
 * chart of `timeseries_rms`, map figures with matplotlib's colour maps (`view`), the
 * interferogram network (`plot_network`), and the log-x line chart of the benchmark pages.
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
export * from "./chart_thread.ts";
export * from "./colormap.ts";
export * from "./line_chart.ts";
export * from "./map_image.ts";
export * from "./network_chart.ts";
export * from "./raster_map.ts";
export * from "./render.ts";
export * from "./rms_chart.ts";
export * from "./scene.ts";
export * from "./text.ts";
export * from "./ticks.ts";
