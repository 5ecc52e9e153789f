/**
 * Pixels with no data (NaN) on some dates: grouped by their pattern of missing dates, each
 * group fit with its own rows of G (private to `fit_time_functions.ts`).
 * @module
 */
import type { Solver } from "./solver.ts";
import { bootstrapMoments, type BootstrapWeights, bootstrapWeights } from "./bootstrap.ts";
import { columnContext, fitColumns, planTimeFunctionFit } from "./_fit_columns.ts";
import type { BlockFitCounts, BlockFitOptions, BlockSource, TimeFunctionFit } from "./fit_types.ts";

/** Pixels sharing one pattern of missing dates, with their data on the dates they have. */
export interface PartialGroup {
  /** 1 for each date with data. */
  readonly valid: Uint8Array;
  /** Dates with data, ascending. */
  readonly rows: number[];
  /** Lanes of the pixels. */
  readonly members: number[];
  /** `rows.length x members.length` data. */
  readonly data: Float64Array;
}

/** Collects pixels missing some dates, tile by tile, grouped by pattern. */
export class PartialDatesCollector {
  readonly #n: number;
  readonly #byKey = new Map<string, { members: number[]; values: number[] }>();
  readonly #bits: Uint8Array;
  size = 0;

  constructor(numDates: number) {
    this.#n = numDates;
    this.#bits = new Uint8Array(numDates);
  }

  /** Add lane `lane`, whose dates are column `q` of `tile` (`N x width`). */
  add(lane: number, tile: Float64Array, width: number, q: number): void {
    const n = this.#n, bits = this.#bits;
    for (let i = 0; i < n; i++) bits[i] = tile[i * width + q]! === tile[i * width + q]! ? 49 : 48;
    const key = String.fromCharCode(...bits);
    let g = this.#byKey.get(key);
    if (!g) this.#byKey.set(key, g = { members: [], values: [] });
    g.members.push(lane);
    for (let i = 0; i < n; i++) if (bits[i] === 49) g.values.push(tile[i * width + q]!);
    this.size++;
  }

  /** The groups, data laid out `dates with data x pixels`. */
  groups(): PartialGroup[] {
    const n = this.#n;
    return [...this.#byKey].map(([key, { members, values }]) => {
      const valid = new Uint8Array(n);
      const rows: number[] = [];
      for (let i = 0; i < n; i++) {
        if (key.charCodeAt(i) === 49) {
          valid[i] = 1;
          rows.push(i);
        }
      }
      const nv = rows.length, g = members.length;
      const data = new Float64Array(nv * g);
      for (let q = 0; q < g; q++) {
        for (let k = 0; k < nv; k++) data[k * g + q] = values[q * nv + k]!;
      }
      return { valid, rows, members, data };
    });
  }
}

/** The block's result arrays (`P x lanes` and `lanes`). */
interface BlockArrays {
  params: Float64Array;
  std: Float64Array;
  e2: Float64Array;
  fitted: Uint8Array;
}

/**
 * Fit each group on its dates with data, write its results into the block's arrays and
 * store its residual (NaN on the missing dates). A group with no more dates than
 * parameters (or a rank-deficient G) is not fit: `fitted` is cleared and it is counted.
 */
export function fitPartialDates(
  solver: Solver,
  fit: TimeFunctionFit,
  groups: PartialGroup[],
  lanes: number,
  opts: BlockFitOptions,
  out: BlockArrays,
  counts: BlockFitCounts,
  source: BlockSource,
): void {
  const n = fit.numDates, p = fit.numParams;
  counts.partialPatterns += groups.length;
  const col = new Float64Array(n);
  for (const { valid, rows, members, data: d } of groups) {
    const nv = rows.length, g = members.length;
    const design = new Float64Array(nv * p);
    rows.forEach((r, k) => design.set(fit.design.subarray(r * p, (r + 1) * p), k * p));
    const sub = nv > p ? planTimeFunctionFit(design, nv, p) : undefined;
    if (!sub || sub.rank < p) {
      for (const l of members) out.fitted[l] = 0;
      counts.unsolvable += g;
      continue;
    }
    counts.partial += g;
    let cov: Float64Array | undefined;
    if (opts.uncertainty === "covariance") {
      const full = opts.covariance!.kind === "full";
      cov = new Float64Array((full ? nv * nv : nv) * g);
      for (let a = 0; a < nv; a++) {
        for (let b = 0; b < (full ? nv : 1); b++) {
          const src = (full ? rows[a]! * n + rows[b]! : rows[a]!) * lanes;
          const dst = (full ? a * nv + b : a) * g;
          for (let q = 0; q < g; q++) cov[dst + q] = opts.covariance!.values[src + members[q]!]!;
        }
      }
    }
    const ctx = columnContext(
      solver,
      sub,
      opts.uncertainty,
      opts.covariance?.kind,
      opts.residualColumns,
    );
    let scratch = new Float64Array(0);
    if (opts.uncertainty === "bootstrap") {
      const w = restrictWeights(bootstrapWeights(opts.bootstrap!.setup, valid), rows);
      counts.rankDeficientResamples += w.rankDeficient;
      if (g < nv) {
        // Few pixels: one fit per resample is cheaper than the closed form's N^2.
        ctx.boot = { explicit: w };
        scratch = new Float64Array(w.count * p * g);
      } else {
        const moments = bootstrapMoments(w);
        ctx.boot = { moments };
        scratch = new Float64Array(p * moments.rank * g);
      }
    }
    const pg = new Float64Array(p * g), sg = new Float64Array(p * g), eg = new Float64Array(g);
    fitColumns(ctx, d, g, g, pg, sg, eg, g, cov, g, scratch);
    for (let q = 0; q < g; q++) {
      const l = members[q]!;
      for (let j = 0; j < p; j++) {
        out.params[j * lanes + l] = pg[j * g + q]!;
        out.std[j * lanes + l] = sg[j * g + q]!;
      }
      out.e2[l] = eg[q]!;
      if (source.store) {
        col.fill(NaN);
        for (let k = 0; k < nv; k++) col[rows[k]!] = d[k * g + q]!;
        source.store(l, 1, col);
      }
    }
  }
}

/** Keep only the columns `rows` (dates with data) of every `W_b`. */
function restrictWeights(w: BootstrapWeights, rows: number[]): BootstrapWeights {
  const { count, numParams: p, numDates: n } = w;
  const nv = rows.length;
  const out = new Float64Array(count * p * nv);
  for (let r = 0; r < count * p; r++) {
    for (let k = 0; k < nv; k++) out[r * nv + k] = w.weights[r * n + rows[k]!]!;
  }
  return { ...w, weights: out, numDates: nv };
}
