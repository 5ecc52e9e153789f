/**
 * Bit-for-bit comparison of two HDF5 files: the same datasets with the same shapes, dtypes
 * and values (NaN equal to NaN, every bit of every other value), the same root and dataset
 * attributes except those named (e.g. the ones that record a time or a command line).
 * @module
 */
import { H5Reader } from "../h5.ts";

/**
 * The differences between files `a` and `b` (empty when identical), one line each.
 * @param ignoreAttrs attribute names not compared.
 */
export async function h5Differences(
  a: string,
  b: string,
  ignoreAttrs: readonly string[] = [],
): Promise<string[]> {
  const ra = await H5Reader.open(a), rb = await H5Reader.open(b);
  const out: string[] = [];
  try {
    const skip = new Set(ignoreAttrs);
    diffAttrs(ra.attrs(), rb.attrs(), skip, "root", out);
    const da = ra.datasets().sort(), db = rb.datasets().sort();
    if (da.join() !== db.join()) out.push(`datasets: ${da.join(",")} vs ${db.join(",")}`);
    for (const name of da.filter((n) => db.includes(n))) {
      const ia = ra.info(name), ib = rb.info(name);
      if (ia.shape.join() !== ib.shape.join() || ia.dtype !== ib.dtype) {
        out.push(`${name}: ${ia.dtype}${ia.shape} vs ${ib.dtype}${ib.shape}`);
        continue;
      }
      diffAttrs(ra.datasetAttrs(name), rb.datasetAttrs(name), skip, name, out);
      if (/^S\d+$/.test(ia.dtype)) {
        if (ra.readStrings(name).join("\n") !== rb.readStrings(name).join("\n")) {
          out.push(`${name}: strings differ`);
        }
        continue;
      }
      // Compared a slab of the first dimension at a time.
      const n0 = ia.shape[0] ?? 1;
      for (let i = 0; i < n0; i++) {
        const ranges: Array<[number, number]> = ia.shape.length ? [[i, i + 1]] : [];
        const va = ra.read(name, ranges), vb = rb.read(name, ranges);
        const ba = new Uint8Array(va.buffer, va.byteOffset, va.byteLength);
        const bb = new Uint8Array(vb.buffer, vb.byteOffset, vb.byteLength);
        let first = -1;
        for (let j = 0; j < ba.length; j++) {
          if (ba[j] !== bb[j]) {
            first = j;
            break;
          }
        }
        if (first >= 0 || ba.length !== bb.length) {
          out.push(`${name}[${i}]: values differ (first at byte ${first})`);
          break;
        }
        if (!ia.shape.length) break;
      }
    }
  } finally {
    ra.close();
    rb.close();
  }
  return out;
}

function diffAttrs(
  a: Record<string, string>,
  b: Record<string, string>,
  skip: ReadonlySet<string>,
  where: string,
  out: string[],
): void {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (skip.has(k)) continue;
    if (a[k] !== b[k]) out.push(`${where} attribute ${k}: ${a[k]} vs ${b[k]}`);
  }
}
