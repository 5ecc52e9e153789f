import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { decode } from "fast-png";
import { TEST_DATES, writeTestStack } from "@vinsar/hdf5/testing";
import { baselineTimeseries, run } from "@vinsar/steps/plot-network";
import { listDir, referenceDir, runCli } from "../test_reference.ts";

const ref = referenceDir();

/** True when a PNG has strongly coloured (red or blue) pixels; markers are orange. */
function hasColoured(png: { data: ArrayLike<number>; channels: number }): boolean {
  const d = png.data, c = png.channels;
  for (let i = 0; i + 2 < d.length; i += c) {
    const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
    if ((b - r > 60 && b - g > 20) || (r - g > 80 && r - b > 40 && g < 120)) return true;
  }
  return false;
}

Deno.test("plot_network: MintPy's file names, PDF and PNG; errors name the file", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-net-" });
  try {
    await writeTestStack(`${dir}/stack.h5`);
    const r = await runCli(["plot_network.py", "stack.h5", "--nodisplay"], dir);
    strictEqual(r.code, 0, r.stderr);
    for (const f of ["network.pdf", "network.png", "pbaseHistory.pdf", "pbaseHistory.png"]) {
      ok(listDir(dir).includes(f), f);
    }
    const res = await run({ file: `${dir}/stack.h5`, outDir: dir });
    deepStrictEqual(res.dates, TEST_DATES);
    const png = decode(Deno.readFileSync(`${dir}/network.png`));
    deepStrictEqual([png.width, png.height], [900, 600]);
    ok(listDir(dir).includes("coherenceSpatialAvg.txt"));
    strictEqual(res.coherence?.length, 7);
    ok(hasColoured(png), "coherence colours the lines");
    // Without a coherence dataset: black lines, no colour bar, no text file.
    await writeTestStack(`${dir}/nocoh.h5`, { omit: ["coherence"] });
    const dir2 = `${dir}/nocoh`;
    Deno.mkdirSync(dir2);
    const res2 = await run({ file: `${dir}/nocoh.h5`, outDir: dir2 });
    strictEqual(res2.coherence, undefined);
    ok(!listDir(dir2).includes("coherenceSpatialAvg.txt"));
    ok(!hasColoured(decode(Deno.readFileSync(`${dir2}/network.png`))), "black lines");
    const bad = await runCli(["plot_network", "nope.h5"], dir);
    strictEqual(bad.code, 2);
    ok(bad.stderr.includes("nope.h5"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("baseline time-series: least squares over the pairs, zero mean", () => {
  // Dates at 0, 10, 30 m; pairs 0-1, 1-2, 0-2 consistent.
  const b = baselineTimeseries(3, [[0, 1], [1, 2], [0, 2]], [10, 20, 30]);
  const want = [0, 10, 30].map((v) => v - 40 / 3);
  b.forEach((v, i) => ok(Math.abs(v - want[i]!) < 1e-9, `${v}`));
});

Deno.test({
  name: "plot_network: MintPy's ifgramStack.h5 (mexico-city)",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-net-" });
    try {
      const r = await run({ file: `${ref}/mexico-city/inputs/ifgramStack.h5`, outDir: dir });
      strictEqual(r.numIfgrams, 30);
      strictEqual(r.dates.length, 13);
      ok(Math.abs(r.pbase.reduce((a, b) => a + b, 0)) < 1e-6, "zero mean");
      ok(new TextDecoder().decode(Deno.readFileSync(`${dir}/network.pdf`)).startsWith("%PDF-"));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
