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
  const W = 640, H = 400, L = 80, R = 150, T = 40, B = 50;
  const xs = [...new Set(data.map((d) => d.pixels))].sort((a, b) => a - b);
  const lx = (p: number) =>
    L +
    (Math.log10(p) - Math.log10(xs[0]!)) / Math.max(1e-9, Math.log10(xs.at(-1)! / xs[0]!)) *
      (W - L - R);
  const ymax = Math.max(...data.map((d) => d.rate)) * 1.1;
  const ly = (v: number) => H - B - (v / ymax) * (H - T - B);
  const colors = ["#1f77b4", "#aec7e8", "#d62728", "#ff9896"];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - 60}" y="20" font-size="14">ifgram_inversion -w var, 98 dates</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2 - 30}" y="${H - 10}">pixels</text>`,
    `<text x="15" y="${(T + H - B) / 2}" transform="rotate(-90 15 ${
      (T + H - B) / 2
    })">pixels/s end to end</text>`,
  ];
  for (const p of xs) {
    parts.push(
      `<line x1="${lx(p)}" y1="${H - B}" x2="${lx(p)}" y2="${H - B + 5}" stroke="black"/>`,
    );
    parts.push(
      `<text x="${lx(p) - 18}" y="${H - B + 18}">${
        p >= 1e6 ? `${p / 1e6}M` : `${p / 1e3}k`
      }</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const v = (ymax / 4) * i;
    parts.push(`<line x1="${L - 5}" y1="${ly(v)}" x2="${W - R}" y2="${ly(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 45}" y="${ly(v) + 4}">${Math.round(v / 1000)}k</text>`);
  }
  configs.forEach((c, i) => {
    const pts = data.filter((d) => d.backend === c.backend && d.workers === c.workers);
    parts.push(
      `<polyline fill="none" stroke="${colors[i]}" stroke-width="2" points="${
        pts.map((d) => `${lx(d.pixels)},${ly(d.rate)}`).join(" ")
      }"/>`,
    );
    for (const d of pts) {
      parts.push(`<circle cx="${lx(d.pixels)}" cy="${ly(d.rate)}" r="3" fill="${colors[i]}"/>`);
    }
    parts.push(
      `<rect x="${W - R + 15}" y="${T + 20 * i}" width="12" height="12" fill="${colors[i]}"/>`,
    );
    parts.push(
      `<text x="${W - R + 32}" y="${T + 20 * i + 11}">${c.backend}, ${c.workers} worker${
        c.workers > 1 ? "s" : ""
      }</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
