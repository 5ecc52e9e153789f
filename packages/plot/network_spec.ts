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
  /**
   * Interferograms: indices into `dates`, whether `dropIfgram` keeps them, and (with
   * {@link NetworkSpec.coherence}) their average spatial coherence.
   */
  pairs: ReadonlyArray<{ i: number; j: number; kept: boolean; coherence?: number }>;
  /**
   * Colour the lines by each pair's `coherence` (MintPy's default when the stack has a
   * `coherence` dataset): display range `vlim` (MintPy's `--vlim`, 0.2 1.0) and the truncated
   * RdBu map's jump `vlist` (MintPy's `--cmap-vlist`, lower, jump, upper). Without it the
   * lines are black.
   */
  coherence?: {
    vlim: readonly [number, number];
    vlist: readonly [number, number, number];
    /** Colour-bar label (default `Average Spatial Coherence`). */
    label?: string;
  };
  /** Figure size in inches (MintPy: 6 x 4 up to 100 dates, wider beyond). */
  figSize?: readonly [number, number];
  dpi?: number;
  /** Font size in points (MintPy's `--fontsize`, default 12). */
  fontSize?: number;
  /** Draw the title (MintPy's `--notitle` turns it off). */
  title?: boolean;
}
