/**
 * `deno task bench [--small] [names...]`: runs the end-to-end benchmark scripts one after
 * another (each prints its own table: pixels/s, time split, peak RSS). `--small` passes
 * small sizes so the whole set finishes in a few minutes; without it the sizes are the
 * ones reported in docs/performance.md (`grid` runs all three commands by size, backend and
 * workers: the slowest, minutes at full size). Kernel micro-benchmarks:
 * `deno bench -A benchmarks/`.
 * @module
 */
const all = ["timeseries2velocity", "ifgram_inversion", "timeseries_rms", "simulate", "grid"];
const small = Deno.args.includes("--small");
const names = Deno.args.filter((a) => !a.startsWith("--"));
const selected = names.length ? names : all;
const here = new URL(".", import.meta.url).pathname;
let failed = 0;
for (const name of selected) {
  const script = `${here}${name}.ts`;
  try {
    Deno.statSync(script);
  } catch {
    console.log(`== ${name}: no benchmark script (${script})`);
    continue;
  }
  console.log(`== ${name}`);
  const args = ["run", "-A", script, ...(small ? ["--small"] : [])];
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (code !== 0) failed++;
}
Deno.exit(failed ? 1 : 0);
