/**
 * Scaling of `ifgram_inversion -w var` with stack size, backend and worker count.
 *
 *   deno run -A benchmarks/scaling.ts [--sizes 10000,100000,500000,2000000] [--dir /tmp/vinsar-scaling]
 *     [--svg docs/performance/scaling.svg] [--small]
 *
 * For each size it simulates (once, kept in --dir) a stack of 98 dates with 3 nearest-neighbour
 * and ~1-year pairs, then runs the CLI as a user would — a fresh process per run, timed with
 * /usr/bin/time (wall and peak RSS) — with `--backend ts|wasm` and `--workers 1|2`. Prints a
 * markdown table and writes an SVG chart of pixels/s against pixels.
 * @module
 */
import { lineChartSvg } from "@vinsar/plot";

const argv = Deno.args;
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
};
const small = argv.includes("--small");
const sizes = opt("--sizes", small ? "10000,50000" : "10000,100000,500000,2000000").split(",").map(
  Number,
);
const dir = opt("--dir", "/tmp/vinsar-scaling");
const svgPath = opt("--svg", small ? "" : "docs/performance/scaling.svg");
const main = new URL("../apps/cli/main.ts", import.meta.url).pathname;
const configs = [
  { backend: "ts", workers: 1 },
  { backend: "ts", workers: 2 },
  { backend: "wasm", workers: 1 },
  { backend: "wasm", workers: 2 },
];

async function timed(args: string[], cwd: string): Promise<{ wall: number; rssMb: number }> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "TIME %e %M", Deno.execPath(), ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
    env: { XDG_CACHE_HOME: `${dir}/cache` },
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  const m = /TIME ([\d.]+) (\d+)/.exec(err);
  if (out.code !== 0 || !m) throw new Error(`failed: ${args.join(" ")}\n${err.slice(-500)}`);
  return { wall: Number(m[1]), rssMb: Number(m[2]) / 1024 };
}

type Row = {
  pixels: number;
  backend: string;
  workers: number;
  wall: number;
  rate: number;
  rssMb: number;
};
const rows: Row[] = [];
for (const pixels of sizes) {
  const work = `${dir}/${pixels}`;
  Deno.mkdirSync(`${work}/inputs`, { recursive: true });
  try {
    Deno.statSync(`${work}/inputs/ifgramStack.h5`);
  } catch {
    const s = await timed([
      "run",
      "-A",
      main,
      "simulate",
      "--pixels",
      String(pixels),
      "--dates",
      "98",
      "--annual-pairs",
      "-o",
      "inputs/ifgramStack.h5",
      "--no-truth",
      "-q",
    ], work);
    console.error(`simulated ${pixels} pixels in ${s.wall.toFixed(1)} s`);
  }
  for (const c of configs) {
    const r = await timed([
      "run",
      "-A",
      main,
      "ifgram_inversion",
      "inputs/ifgramStack.h5",
      "-w",
      "var",
      "--backend",
      c.backend,
      "--workers",
      String(c.workers),
      "-q",
    ], work);
    rows.push({ pixels, ...c, wall: r.wall, rate: pixels / r.wall, rssMb: r.rssMb });
    console.error(`${pixels} px ${c.backend} x${c.workers}: ${r.wall.toFixed(2)} s`);
  }
}

console.log(
  `ifgram_inversion -w var, 98 dates, ${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
console.log("| pixels | backend | workers | wall (s) | pixels/s end to end | peak RSS (MB) |");
console.log("|---:|---|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.pixels.toLocaleString("en")} | ${r.backend} | ${r.workers} | ${r.wall.toFixed(2)} | ${
      Math.round(r.rate).toLocaleString("en")
    } | ${r.rssMb.toFixed(0)} |`,
  );
}

if (svgPath) {
  Deno.writeTextFileSync(svgPath, scalingSvg(rows));
  console.log(`\nwrote ${svgPath}`);
}

/** A log-x line chart of pixels/s per backend and worker count. */
function scalingSvg(data: Row[]): string {
  const colors = ["#1f77b4", "#aec7e8", "#d62728", "#ff9896"];
  return lineChartSvg({
    title: "ifgram_inversion -w var, 98 dates",
    xLabel: "pixels",
    yLabel: "pixels/s end to end",
    series: configs.map((c, i) => ({
      label: `${c.backend}, ${c.workers} worker${c.workers > 1 ? "s" : ""}`,
      color: colors[i]!,
      points: data.filter((d) => d.backend === c.backend && d.workers === c.workers)
        .map((d) => [d.pixels, d.rate] as const),
    })),
  });
}
