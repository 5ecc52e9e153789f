/**
 * What a fresh typed array costs against a reused one: the first touch of each page of a
 * new allocation is a page fault, which on a VM can dominate a block loop.
 *
 *   deno run benchmarks/page_faults.ts [--kb 512] [--rounds 64]
 * @module
 */
const argv = Deno.args;
const opt = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const kb = opt("--kb", 512), rounds = opt("--rounds", 64);
const len = (kb * 1024) / 8;
const reused = new Float64Array(len);
for (const mode of ["fresh", "reused", "fresh", "reused"]) {
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) (mode === "fresh" ? new Float64Array(len) : reused).fill(1);
  const ms = (performance.now() - t0) / rounds;
  console.log(`${mode.padEnd(6)} ${kb} KB array, filled once: ${ms.toFixed(3)} ms`);
}
