/**
 * Assemble one HDF5 output from the part files of the tiles: the root attributes and the
 * datasets that are not split come from tile 0's part; a split dataset (the image rows of a
 * `(..., length, width)` dataset, or the dates of a `(dates, length, width)` one) is copied
 * from each tile's part, one slab at a time, so the merge holds one slab, not the output.
 * @module
 */
import { InputError } from "@vinsar/core";
import { type DatasetInfo, H5Reader, type H5Writer } from "@vinsar/hdf5";

/** One tile's part of an output. */
export interface Part {
  index: number;
  path: string;
  /** `[first, last)` rows (or dates) it holds. */
  range: readonly [number, number];
}

/** What {@link mergeParts} needs. */
export interface MergePartsOptions {
  axis: "rows" | "dates";
  length: number;
  width: number;
  /** Bytes of one slab read and written (default 64 MB). */
  slabBytes?: number;
}

/** Copy the tiles' `parts` of an output into `writer` (created by the caller). */
export async function mergeParts(
  writer: H5Writer,
  parts: readonly Part[],
  options: MergePartsOptions,
): Promise<void> {
  const slabBytes = options.slabBytes ?? 64 * 2 ** 20;
  const readers: H5Reader[] = [];
  try {
    for (const p of parts) readers.push(await openPart(p));
    const first = readers[0]!;
    writer.setAttrs(first.attrs());
    for (const name of first.datasets()) {
      const info = first.info(name);
      const axis = splitAxis(info, options);
      if (axis < 0) {
        copyWhole(first, writer, info);
      } else {
        writer.create(name, info.shape, info.dtype, {
          chunks: info.chunks ?? undefined,
          compression: compressionOf(info),
        });
        // A (dates, rows, width) dataset split by rows goes date by date through every part,
        // so the chunks a date's tiles share are written one after the other.
        const dates = axis === 1 && info.shape.length === 3 ? info.shape[0]! : 0;
        const reuse = info.dtype === "<f" ? new Float32Array(slabBytes / 4) : null;
        if (dates > 0) {
          for (let d = 0; d < dates; d++) {
            for (const [i, r] of readers.entries()) {
              copySlabs(r, writer, info, axis, parts[i]!, { slabBytes, date: d, reuse });
            }
          }
        } else {
          for (const [i, r] of readers.entries()) {
            copySlabs(r, writer, info, axis, parts[i]!, { slabBytes, reuse });
          }
        }
      }
      const attrs = first.datasetAttrs(name);
      if (Object.keys(attrs).length > 0) writer.setDatasetAttrs(name, attrs);
    }
  } finally {
    for (const r of readers) r.close();
  }
}

/** The axis a dataset is split along in the parts, or -1 when each part holds all of it. */
function splitAxis(info: DatasetInfo, o: MergePartsOptions): number {
  const s = info.shape, n = s.length;
  const image = n >= 2 && s[n - 2] === o.length && s[n - 1] === o.width;
  if (!image) return -1;
  if (o.axis === "rows") return n - 2;
  return n === 3 ? 0 : -1;
}

async function openPart(p: Part): Promise<H5Reader> {
  try {
    return await H5Reader.open(p.path);
  } catch (e) {
    throw new InputError(
      `tile ${p.index}: part file ${p.path} is missing or corrupt (${
        e instanceof Error ? e.message : e
      }): run the tile again`,
    );
  }
}

function copyWhole(r: H5Reader, w: H5Writer, info: DatasetInfo): void {
  if (/^S\d+$/.test(info.dtype)) {
    w.writeWhole(info.name, r.readStrings(info.name), { shape: info.shape });
  } else {
    w.writeWhole(info.name, r.read(info.name), { shape: info.shape, dtype: info.dtype });
  }
}

function copySlabs(
  r: H5Reader,
  w: H5Writer,
  info: DatasetInfo,
  axis: number,
  part: Part,
  o: { slabBytes: number; date?: number; reuse: Float32Array | null },
): void {
  const s = info.shape;
  const d = o.date;
  const other = s.reduce((p, n, i) => (i === axis || (d !== undefined && i === 0) ? p : p * n), 1);
  const step = Math.max(1, Math.floor(o.slabBytes / Math.max(1, other * bytesOf(info.dtype))));
  for (let a = part.range[0]; a < part.range[1]; a += step) {
    const b = Math.min(part.range[1], a + step);
    const ranges = s.map((n, i): [number, number] =>
      i === axis ? [a, b] : d !== undefined && i === 0 ? [d, d + 1] : [0, n]
    );
    copySlab(r, w, info, part, ranges, o.reuse);
  }
}

function copySlab(
  r: H5Reader,
  w: H5Writer,
  info: DatasetInfo,
  part: Part,
  ranges: Array<[number, number]>,
  reuse: Float32Array | null,
): void {
  let data;
  try {
    if (reuse) {
      const n = ranges.reduce((p, [a, b]) => p * (b - a), 1);
      data = reuse.subarray(0, n);
      r.readInto(info.name, ranges, data);
    } else data = r.read(info.name, ranges);
  } catch (e) {
    throw new InputError(
      `tile ${part.index}: part file ${part.path} is corrupt (${
        e instanceof Error ? e.message : e
      }): run the tile again`,
    );
  }
  w.write(info.name, ranges, data);
}

function bytesOf(dtype: string): number {
  const m = /(\d+)$/.exec(dtype);
  if (m) return Number(m[1]);
  return /[dq]$/.test(dtype) ? 8 : /[fi]$/.test(dtype) ? 4 : /h$/.test(dtype) ? 2 : 1;
}

function compressionOf(info: DatasetInfo): "gzip" | "lzf" | null {
  if (info.filters.some((f) => /deflate|gzip/i.test(f))) return "gzip";
  if (info.filters.some((f) => /lzf/i.test(f))) return "lzf";
  return null;
}
