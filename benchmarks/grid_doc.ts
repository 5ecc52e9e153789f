/**
 * The page `benchmarks/grid.ts --write-docs` writes, docs/performance/grid.md: a fixed
 * header, then one section per configuration (`full`, `small`), each replaced only by a run
 * of its own configuration so the CI-sized numbers and the full-size ones live side by side.
 * @module
 */

/** A markdown table padded the way `deno fmt` pads it (`right[j]`: right-align column j). */
export function markdownTable(header: string[], right: boolean[], body: string[][]): string {
  const width = header.map((h, j) => Math.max(3, h.length, ...body.map((r) => r[j]!.length)));
  const cell = (s: string, j: number) => right[j] ? s.padStart(width[j]!) : s.padEnd(width[j]!);
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = width.map((w, j) => right[j] ? `${"-".repeat(w - 1)}:` : "-".repeat(w));
  return [line(header), `| ${rule.join(" | ")} |`, ...body.map(line)].join("\n");
}

/**
 * The new page: the header, then the `full` and `small` sections, `section` (markdown)
 * replacing the one of `key` and the other kept from `old` (the current page, or "").
 */
export function mergeGridDoc(old: string, key: "full" | "small", section: string): string {
  const marked = (k: string, body: string) =>
    `<!-- grid:${k}:begin -->\n\n${body.trim()}\n\n<!-- grid:${k}:end -->`;
  const keep = (k: string) =>
    new RegExp(`<!-- grid:${k}:begin -->[\\s\\S]*?<!-- grid:${k}:end -->`).exec(old)?.[0];
  const parts: Record<string, string | undefined> = { full: keep("full"), small: keep("small") };
  parts[key] = marked(key, section);
  return [HEADER, parts.full, parts.small].filter((s) => s).join("\n\n") + "\n";
}

/** The fixed top of grid.md: what was run and what the columns mean. */
const HEADER = `# End-to-end grid: the three commands by size, backend and workers

Written by \`deno run -A benchmarks/grid.ts --write-docs\`; each section below gives the command
line that produced it. Every run is a fresh \`vinsar\` process timed by \`/usr/bin/time\` (Deno
start-up included). The inputs of each size are made once: \`vinsar simulate\` (3 nearest
neighbours plus ~1-year pairs, the stacks of [scaling](scaling.md)), then \`ifgram_inversion\` and
\`timeseries2velocity --save-res\` on it. Timed: \`ifgram_inversion\` on the stack,
\`timeseries2velocity\` on its time-series, \`timeseries_rms\` (quadratic deramp) on the residual,
each with default flags plus \`--backend\` and \`--workers\`.

Other jobs shared this 2-core machine during these runs: the numbers are noisy (single runs can
differ by 2x); each section records the load average at its start.

Columns: **wall** and **peak RSS** from \`/usr/bin/time\`; **pixels/s** = image pixels / wall;
**GFLOP/s** = estimated arithmetic / wall (end to end: start-up and I/O included). Per pixel
(formulas in \`benchmarks/grid.ts\`): inversion 6K + 2U + 5 nnz(L) for the normal equations, the
sparse Cholesky and the two triangular solves (K kept interferograms, U the factorization's
multiply-subtracts; pixels solved by Cholesky only); timeseries2velocity 2 x P x N x 2 (the fit's and
the residual's multiply-adds, P = 2 parameters, N dates); timeseries_rms 2 x 3 x N (the quadratic ramp's
right-hand sides; times the sub-sampling phases above 1M pixels). **read+write** = the read and
write seconds the command logs with \`VINSAR_LOG=debug\`; **I/O share** = read+write / wall;
**CPU %** = (user + system) / wall, above 100 when more than one thread was busy; **threads (log)**
= the thread count the command reports for the run ("not logged" when it says none): for
timeseries2velocity's residue fit with \`--workers N\`, the N - 1 workers fitting beside the main
thread, which reads and writes.

![pixels/s against pixels](grid.svg)

The chart shows the full configuration's section.`;
