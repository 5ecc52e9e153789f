import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { type LineChartOptions, lineChartScene, lineChartSvg } from "./line_chart.ts";
import { logTicks, shortNumber } from "./ticks.ts";

/** Throws unless every element of `svg` is closed in order (a small well-formedness check). */
function assertWellFormed(svg: string): void {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, "");
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) strictEqual(stack.pop(), name, `</${name}> closes the wrong element`);
    else stack.push(name!);
  }
  deepStrictEqual(stack, [], "unclosed elements");
  // Nothing that looks like a tag may be left over after removing the matched ones.
  const rest = body.replace(/<\/?[a-zA-Z]+(?:\s+[\w:-]+="[^"<>]*")*\s*\/?>/g, "");
  ok(!/[<>]/.test(rest), `stray markup: ${rest.match(/.{0,20}[<>].{0,20}/)?.[0]}`);
  ok(body.startsWith("<svg ") && body.trimEnd().endsWith("</svg>"));
}

/** Attribute values of every element `tag` in document order. */
function elements(svg: string, tag: string): Array<Record<string, string>> {
  return [...svg.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, "g"))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]))
  );
}

/** Text contents of all `<text>` elements. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

const chart: LineChartOptions = {
  title: "rate vs size",
  xLabel: "pixels",
  yLabel: "pixels/s (log)",
  logY: true,
  width: 800,
  legendWidth: 210,
  height: 420,
  series: [
    { label: "ts, 1 worker", color: "#1f77b4", points: [[1e4, 1000], [1e5, 2000], [1e6, 4000]] },
    { label: "wasm <fast> & co", color: "#d62728", dash: "6 3", points: [[1e4, 3000], [1e6, 9e4]] },
  ],
};

Deno.test("line chart: valid SVG with title, axis labels, legend and escaped text", () => {
  const svg = lineChartSvg(chart);
  assertWellFormed(svg);
  const root = elements(svg, "svg")[0]!;
  strictEqual(root.width, "800");
  strictEqual(root.height, "420");
  const t = texts(svg);
  for (const label of ["rate vs size", "pixels", "pixels/s (log)", "ts, 1 worker"]) {
    ok(t.includes(label), `missing text "${label}"`);
  }
  ok(t.includes("wasm &lt;fast&gt; &amp; co"), "legend label not escaped");
  // The y label is rotated; x tick labels at each distinct x value.
  ok(/<text[^>]*transform="rotate\(-90[^>]*>pixels\/s \(log\)</.test(svg));
  for (const x of ["10k", "100k", "1M"]) ok(t.includes(x), `missing x tick ${x}`);
});

Deno.test("line chart: series drawn as dots and lines in their colours, log x spacing", () => {
  const svg = lineChartSvg(chart);
  const dots = elements(svg, "circle");
  strictEqual(dots.length, 5);
  deepStrictEqual(dots.map((d) => d.fill), ["#1f77b4", "#1f77b4", "#1f77b4", "#d62728", "#d62728"]);
  const cx = dots.slice(0, 3).map((d) => Number(d.cx)),
    cy = dots.slice(0, 3).map((d) => Number(d.cy));
  // Decades equally spaced on the log x axis; larger y is higher up (smaller cy).
  ok(Math.abs((cx[1]! - cx[0]!) - (cx[2]! - cx[1]!)) < 0.02, `x not logarithmic: ${cx}`);
  ok(cx[0]! >= 80 && cx[2]! <= 800 - 210, "dots outside the plot area");
  ok(cy[0]! > cy[1]! && cy[1]! > cy[2]!);
  // Log y: a doubling is the same height anywhere.
  ok(Math.abs((cy[0]! - cy[1]!) - (cy[1]! - cy[2]!)) < 0.02, `y not logarithmic: ${cy}`);
  // Series lines: 2 segments + 1 segment, the dashed series (and its legend swatch) dashed.
  const blue = elements(svg, "line").filter((l) => l.stroke === "#1f77b4");
  const red = elements(svg, "line").filter((l) => l.stroke === "#d62728");
  strictEqual(blue.length, 2);
  strictEqual(red.length, 2);
  ok(red.every((l) => l["stroke-dasharray"] === "6 3"));
  ok(blue.every((l) => l["stroke-dasharray"] === undefined));
  // Undashed series get a legend box, dashed ones a line.
  strictEqual(elements(svg, "rect").filter((r) => r.fill === "#1f77b4").length, 1);
  strictEqual(elements(svg, "rect").filter((r) => r.fill === "#d62728").length, 0);
});

Deno.test("line chart: log y ticks cover the data, linear y starts at 0", () => {
  const logT = texts(lineChartSvg(chart));
  for (const y of ["1k", "2k", "5k", "10k", "100k"]) ok(logT.includes(y), `missing y tick ${y}`);
  const lin = lineChartScene({ ...chart, logY: false });
  const labels = lin.shapes.flatMap((
    s,
  ) => (s.kind === "text" && s.anchor === "end" ? [s.text] : []));
  strictEqual(labels[0], "0");
  ok(labels.includes("100k"), `linear ticks ${labels}`);
  // The top tick sits above the largest value (9e4 x 1.1 rounded up to a nice step).
  const top = lin.shapes.find((s) =>
    s.kind === "text" && s.anchor === "end" && s.text === labels.at(-1)
  );
  const dotTop = Math.min(...lin.shapes.flatMap((s) => (s.kind === "circle" ? [s.cy] : [])));
  ok(top && top.kind === "text" && top.y - 4 <= dotTop);
});

Deno.test("line chart: bad colours and dashes are rejected", () => {
  const one = (color: string, dash?: string) =>
    lineChartSvg({ ...chart, series: [{ label: "a", color, dash, points: [[1, 1]] }] });
  throws(() => one("blue"), RangeError);
  throws(() => one("#12345"), RangeError);
  throws(() => one("#123", "x y"), RangeError);
  ok(one("#abc").includes(`fill="#aabbcc"`));
});

Deno.test("ticks: shortNumber and logTicks", () => {
  deepStrictEqual([0, 950, 12000, 2e6, 1234567, -5000].map(shortNumber), [
    "0",
    "950",
    "12k",
    "2M",
    "1.23M",
    "-5k",
  ]);
  deepStrictEqual(logTicks(0.8, 60), [1, 2, 5, 10, 20, 50]);
  deepStrictEqual(logTicks(0.003, 0.03), [0.005, 0.01, 0.02]);
  deepStrictEqual(logTicks(0, 10), []);
});
