/**
 * MintPy's time-series covariance file of `ifgram_inversion.py --calc-cov`
 * (`timeseriesDecorCov.h5`): `date` (S8, N) and `timeseries` (float32, (N, N, LENGTH, WIDTH),
 * m²), the time-series file's attributes with the covariance's own `REF_DATE`; written row
 * block by row block, one first-date slab at a time, so no single write stages more than
 * `N x rows x WIDTH` values in h5wasm's heap whatever the size of the file (about 19 GB for
 * 98 dates and 500,000 pixels).
 * @module
 */
import { extname } from "node:path";
import type { Attrs, H5Writer } from "./h5.ts";

/** Largest chunk of the covariance dataset (bytes): whole block rows of all second dates. */
const CHUNK_BYTES = 8 * 2 ** 20;

/**
 * MintPy's name of the covariance file beside time-series file `tsFile`: its name without
 * the extension, `Decor` for phase (`obsDatasetName` starting with `unwrapPhase`), `Cov.h5`.
 * @example
 * ```ts
 * import { covarianceFileName } from "@vinsar/hdf5";
 * covarianceFileName("timeseries.h5", "unwrapPhase"); // "timeseriesDecorCov.h5"
 * covarianceFileName("timeseriesAz.h5", "azimuthOffset"); // "timeseriesAzCov.h5"
 * ```
 */
export function covarianceFileName(tsFile: string, obsDatasetName: string): string {
  const base = tsFile.slice(0, tsFile.length - extname(tsFile).length);
  return `${base}${obsDatasetName.startsWith("unwrapPhase") ? "Decor" : ""}Cov.h5`;
}

/** What the covariance file holds. */
export interface CovarianceOutputSpec {
  path: string;
  /** Root attributes (the time-series file's, with the covariance's REF_DATE). */
  attrs: Attrs;
  dates: readonly string[];
  length: number;
  width: number;
  /** Rows per block written; chunks are sized to divide it. */
  blockRows: number;
}

/** An open covariance file. */
export class CovarianceOutput {
  readonly #spec: CovarianceOutputSpec;
  readonly #w: H5Writer;

  private constructor(spec: CovarianceOutputSpec, w: H5Writer) {
    this.#spec = spec;
    this.#w = w;
  }

  /**
   * Create the file and its datasets.
   * @param open Creates a staged writer for a path (the CLI's all-or-nothing outputs).
   */
  static async create(
    spec: CovarianceOutputSpec,
    open: (path: string) => Promise<H5Writer>,
  ): Promise<CovarianceOutput> {
    const N = spec.dates.length, L = spec.length, W = spec.width;
    const w = await open(spec.path);
    w.setAttrs(spec.attrs);
    w.writeWhole("date", [...spec.dates]);
    w.create("timeseries", [N, N, L, W], "<f", {
      chunks: [1, N, chunkRows(spec.blockRows, N * W * 4), W],
    });
    return new CovarianceOutput(spec, w);
  }

  /**
   * Write rows `[row0, row1)`.
   * @param cov The covariance (m²), (N, N, rows, WIDTH) C order.
   * @throws RangeError when `cov` holds fewer values than the rows need.
   */
  writeRows(row0: number, row1: number, cov: Float32Array): void {
    const N = this.#spec.dates.length, slab = N * (row1 - row0) * this.#spec.width;
    if (cov.length < N * slab) {
      throw new RangeError(
        `Covariance rows ${row0}-${row1}: ${cov.length} values, need ${N * slab}`,
      );
    }
    for (let a = 0; a < N; a++) {
      this.#w.write(
        "timeseries",
        [[a, a + 1], [0, N], [row0, row1]],
        cov.subarray(a * slab, (a + 1) * slab),
      );
    }
  }
}

/** Largest divisor of `blockRows` whose chunk stays within {@link CHUNK_BYTES}. */
function chunkRows(blockRows: number, rowBytes: number): number {
  const target = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, rowBytes)));
  for (let r = Math.min(blockRows, target); r > 1; r--) if (blockRows % r === 0) return r;
  return 1;
}
