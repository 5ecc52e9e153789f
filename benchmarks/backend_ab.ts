/**
 * Full-run A/B of the compute backends: run one vinsar command with `--backend ts`, then
 * `--backend wasm` (and `auto`), alternating, `--repeat` times each, in the current folder,
 * and print the best and median wall times. The command's own output is discarded.
 *
 *   cd folder/with/inputs
 *   deno run -A /path/to/benchmarks/backend_ab.ts [--repeat 3] [--auto] -- \
 *     timeseries2velocity timeseries.h5 --periodic 1 0.5 -o vel.h5
 * @module
 */
const argv = Deno.args;
const dash = argv.indexOf("--");
if (dash < 0 || dash === argv.length - 1) {
  console.error("usage: backend_ab.ts [--repeat N] [--auto] -- <vinsar command and flags>");
  Deno.exit(2);
}
const own = argv.slice(0, dash), command = argv.slice(dash + 1);
const r = own.indexOf("--repeat");
const repeat = r >= 0 ? Number(own[r + 1]) : 3;
const backends = own.includes("--auto") ? ["ts", "wasm", "auto"] : ["ts", "wasm"];
const cli = new URL("../apps/cli/main.ts", import.meta.url).pathname;

const times = new Map<string, number[]>(backends.map((b) => [b, []]));
for (let i = 0; i < repeat; i++) {
  for (const b of backends) {
    const t = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, ...command, "--backend", b, "-q"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      console.error(`--backend ${b} failed:\n${new TextDecoder().decode(out.stderr)}`);
      Deno.exit(1);
    }
    times.get(b)!.push((performance.now() - t) / 1000);
  }
}
console.log(`vinsar ${command.join(" ")}  (${repeat} runs each, wall time incl. start-up)`);
for (const [b, t] of times) {
  const s = [...t].sort((x, y) => x - y);
  console.log(
    `  --backend ${b.padEnd(4)} best ${s[0]!.toFixed(2)} s, median ${
      s[Math.floor(s.length / 2)]!.toFixed(2)
    } s`,
  );
}
