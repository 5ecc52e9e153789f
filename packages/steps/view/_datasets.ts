/**
 * Which images of a file `view` shows, by MintPy's rules: the dataset named by FILE_TYPE (or
 * the first 2-D one) of a 2-D file; every date of a time-series; every interferogram's
 * `unwrapPhase` of a stack; or the datasets, dates and `family-date` names asked for, with
 * `*` wildcards (`'*2017*'`, `coherence*20200101*`).
 * @module
 */
import { InputError } from "@vinsar/core";
import type { H5Reader } from "@vinsar/hdf5";

/** One image to show: a 2-D dataset (`layer` null) or one layer of a 3-D one. */
export interface ViewItem {
  name: string;
  layer: number | null;
  /** `velocity`, `20200113`, `unwrapPhase-20200101_20200113`. */
  label: string;
  /** Short panel title: the dataset name, the date or the date pair. */
  short: string;
}

function globRegExp(pattern: string): RegExp {
  const body = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

/** Every image of the file with its labels, 2-D datasets first. */
export function allItems(reader: H5Reader, length: number, width: number): ViewItem[] {
  const names = reader.datasets();
  const items: ViewItem[] = [];
  for (const n of names) {
    const s = reader.info(n).shape;
    if (s.length === 2 && s[0] === length && s[1] === width) {
      items.push({ name: n, layer: null, label: n, short: n });
    }
  }
  const has3d = names.filter((n) => {
    const s = reader.info(n).shape;
    return s.length === 3 && s[1] === length && s[2] === width;
  });
  if (!has3d.length) return items;
  let keys: string[] = [];
  if (names.includes("date")) {
    const labels = reader.readStrings("date");
    const shape = reader.info("date").shape;
    keys = shape.length === 2
      ? Array.from({ length: shape[0]! }, (_, i) => `${labels[2 * i]}_${labels[2 * i + 1]}`)
      : labels;
  }
  for (const n of has3d) {
    const k = reader.info(n).shape[0]!;
    for (let i = 0; i < k; i++) {
      const key = keys[i] ?? String(i);
      items.push({ name: n, layer: i, label: `${n}-${key}`, short: key });
    }
  }
  return items;
}

/**
 * The images `view` shows for `dsets` (MintPy's DSET arguments), in file order.
 * @throws InputError naming the file when a name matches nothing.
 */
export function selectItems(
  reader: H5Reader,
  path: string,
  dsets: readonly string[],
  size: { length: number; width: number },
): ViewItem[] {
  const items = allItems(reader, size.length, size.width);
  if (!items.length) throw new InputError(`${path}: no ${size.length} x ${size.width} dataset`);
  if (!dsets.length) {
    const ft = reader.attrs().FILE_TYPE ?? "";
    const family = ft === "ifgramStack" ? "unwrapPhase" : ft;
    const own = items.filter((it) => it.name === family);
    const firstStack = items.find((it) => it.layer !== null)?.name;
    if (own.length) return own;
    const twoD = items.find((it) => it.layer === null);
    return twoD ? [twoD] : items.filter((it) => it.name === firstStack);
  }
  const picked = new Set<ViewItem>();
  for (const d of dsets) {
    const re = globRegExp(d);
    const hits = items.filter((it) =>
      it.name === d || re.test(it.label) || (it.layer !== null && re.test(it.short))
    );
    if (!hits.length) throw new InputError(`${path}: no dataset or date matches "${d}"`);
    hits.forEach((h) => picked.add(h));
  }
  return items.filter((it) => picked.has(it));
}
