/**
 * What the interferogram-network figures draw (`network_chart.ts`, `_date_axes.ts`).
 * @module
 */

/** What both figures show. */
export interface NetworkSpec {
  /** Acquisition dates, `YYYYMMDD`, ascending. */
  dates: readonly string[];
  /** Perpendicular baseline of each date in metres (MintPy shifts it to zero mean). */
  pbase: ArrayLike<number>;
  /** Interferograms: indices into `dates`, and whether `dropIfgram` keeps them. */
  pairs: ReadonlyArray<{ i: number; j: number; kept: boolean }>;
  /** Figure size in inches (MintPy: 6 x 4 up to 100 dates, wider beyond). */
  figSize?: readonly [number, number];
  dpi?: number;
  /** Font size in points (MintPy's `--fontsize`, default 12). */
  fontSize?: number;
  /** Draw the title (MintPy's `--notitle` turns it off). */
  title?: boolean;
}
