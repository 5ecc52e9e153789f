/**
 * The three outputs of the network inversion in MintPy's layout: `timeseries.h5`
 * (`date` S8 (N,), `bperp` float32 (N,), `timeseries` float32 (N, LENGTH, WIDTH)), the
 * quality file (`temporalCoherence` float32 (LENGTH, WIDTH)) and `numInvIfgram.h5` (`mask`
 * float32 (LENGTH, WIDTH)), written row block by row block.
 * @module
 */
import type { Attrs, H5Writer } from "./h5.ts";

/** What the three files hold. */
export interface InversionOutputSpec {
  /** Paths of the time-series, quality and number-of-observations files. */
  paths: readonly [string, string, string];
  /** Dataset name of the quality file (`temporalCoherence`). */
  qualityName: string;
  attrs: { timeseries: Attrs; quality: Attrs; numInv: Attrs };
  dates: readonly string[];
  /** Perpendicular baseline of each date (m). */
  bperp: Float32Array;
  length: number;
  width: number;
  /** Rows per block written; chunks are sized to divide it. */
  blockRows: number;
}

/** Open writers of the three outputs. */
export class InversionOutputs {
  readonly #spec: InversionOutputSpec;
  readonly #ts: H5Writer;
  readonly #q: H5Writer;
  readonly #n: H5Writer;

  private constructor(spec: InversionOutputSpec, ts: H5Writer, q: H5Writer, n: H5Writer) {
    this.#spec = spec;
    this.#ts = ts;
    this.#q = q;
    this.#n = n;
  }

  /**
   * Create the files and their datasets.
   * @param open Creates a staged writer for a path (the CLI's all-or-nothing outputs).
   */
  static async create(
    spec: InversionOutputSpec,
    open: (path: string) => Promise<H5Writer>,
  ): Promise<InversionOutputs> {
    const { length: L, width: W, dates } = spec;
    const N = dates.length;
    const rows = chunkRows(spec.blockRows, W);
    const ts = await open(spec.paths[0]);
    ts.setAttrs(spec.attrs.timeseries);
    ts.writeWhole("date", [...dates]);
    ts.writeWhole("bperp", spec.bperp);
    ts.create("timeseries", [N, L, W], "<f", { chunks: [1, rows, W] });
    const q = await open(spec.paths[1]);
    q.setAttrs(spec.attrs.quality);
    q.create(spec.qualityName, [L, W], "<f", { chunks: [rows, W] });
    const n = await open(spec.paths[2]);
    n.setAttrs(spec.attrs.numInv);
    n.create("mask", [L, W], "<f", { chunks: [rows, W] });
    return new InversionOutputs(spec, ts, q, n);
  }

  /**
   * Write rows `[row0, row1)` of every output.
   * @param ts Time-series (m), (N, rows, WIDTH) C order.
   * @param quality Temporal coherence, (rows, WIDTH).
   * @param numInv Number of observations used, (rows, WIDTH).
   */
  writeRows(
    row0: number,
    row1: number,
    ts: Float32Array,
    quality: Float32Array,
    numInv: Float32Array,
  ): void {
    const N = this.#spec.dates.length;
    this.#ts.write("timeseries", [[0, N], [row0, row1]], ts);
    this.#q.write(this.#spec.qualityName, [[row0, row1]], quality);
    this.#n.write("mask", [[row0, row1]], numInv);
  }
}

/** Largest divisor of `blockRows` keeping a chunk near 1 MB, so block writes fill chunks. */
function chunkRows(blockRows: number, width: number): number {
  const target = Math.max(1, Math.floor((1 << 20) / (4 * Math.max(1, width))));
  for (let r = Math.min(blockRows, target); r > 1; r--) if (blockRows % r === 0) return r;
  return 1;
}
