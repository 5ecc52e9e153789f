import { ok, strictEqual } from "node:assert/strict";
import { decode } from "fast-png";
import { writeTestStack } from "@vinsar/hdf5/testing";
import { writeNoisyResidual } from "@vinsar/steps/testing";
import * as view from "@vinsar/steps/view";
import { referenceDir, runCli } from "../test_reference.ts";

const ref = referenceDir();
const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

Deno.test("view: a time-series as a grid of dates, PNG / PDF / SVG by extension", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-view-" });
  try {
    const dates = await writeNoisyResidual(`${dir}/ts.h5`, 3);
    strictEqual((await runCli(["view", "ts.h5", "-o", "ts.png", "-u", "mm"], dir)).code, 0);
    const png = decode(Deno.readFileSync(`${dir}/ts.png`));
    ok(png.width > 500 && png.height > 300, `${png.width} x ${png.height}`);
    const r = await runCli(
      ["view.py", "ts.h5", `${dates[3]}`, "--vlim", "-5", "5", "-o", "d.svg"],
      dir,
    );
    strictEqual(r.code, 0, r.stderr);
    const svg = Deno.readTextFileSync(`${dir}/d.svg`);
    ok(svg.includes(`>timeseries-${dates[3]}<`), "title names the date");
    ok(svg.includes(">mm<") === false && svg.includes(">cm<"), "default unit cm");
    ok(svg.includes(">\u22124<") && svg.includes(">4<"), "--vlim ticks");
    strictEqual((await runCli(["view", "ts.h5", "*0101", "-o", "d.pdf", "--nocbar"], dir)).code, 0);
    ok(text(Deno.readFileSync(`${dir}/d.pdf`)).startsWith("%PDF-"));
    // Errors: one line naming the dataset, the unit or the output, exit 2.
    for (
      const [args, what] of [
        [["ts.h5", "nope"], '"nope"'],
        [["ts.h5", "-u", "mm/year"], "-u/--unit"],
        [["ts.h5", "-o", "x.jpg"], "x.jpg"],
        [["missing.h5"], "missing.h5"],
      ] as const
    ) {
      const e = await runCli(["view", ...args], dir);
      strictEqual(e.code, 2, e.stderr);
      ok(e.stderr.includes(what) && e.stderr.trim().split("\n").length === 1, e.stderr);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("view: a stack's coherence is unitless and gray; --mask, --zero-mask, --wrap", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-view-" });
  try {
    await writeTestStack(`${dir}/stack.h5`);
    const shown = await view.run({
      file: `${dir}/stack.h5`,
      dset: ["coherence-20200101_20200113"],
      outfile: `${dir}/c.svg`,
    });
    strictEqual(shown.colormap, "gray");
    strictEqual(shown.unit, "");
    ok(!Deno.readTextFileSync(`${dir}/c.svg`).includes("[radian]"));
    const r = await runCli(
      ["view", "stack.h5", "--wrap", "--zero-mask", "--noaxis", "-o", "w.png"],
      dir,
    );
    strictEqual(r.code, 0, r.stderr);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "view: MintPy's velocity.h5 and maskTempCoh.h5 (sim-small)",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-view-" });
    try {
      const vel = `${ref}/sim-small/cases/vel-linear/velocity.h5`;
      const mask = `${ref}/sim-small/maskTempCoh.h5`;
      const r = await runCli(["view", vel, "-m", mask, "-u", "mm/year", "-o", "v.svg"], dir);
      strictEqual(r.code, 0, r.stderr);
      const svg = Deno.readTextFileSync(`${dir}/v.svg`);
      ok(svg.includes(">velocity<") && svg.includes(">mm/year<") && !svg.includes(">+0<"));
      strictEqual((await view.run({ file: vel, outfile: `${dir}/v.png` })).colormap, "jet");
      // MintPy's defaults: maskTempCoh.h5 beside the file, a descending orbit flipped.
      Deno.copyFileSync(vel, `${dir}/velocity.h5`);
      Deno.copyFileSync(mask, `${dir}/maskTempCoh.h5`);
      const auto = await view.run({ file: `${dir}/velocity.h5`, outfile: `${dir}/a.svg` });
      strictEqual(auto.maskFile, `${dir}/maskTempCoh.h5`);
      ok(auto.flip.lr && !auto.flip.ud);
      const off = await view.run({
        file: `${dir}/velocity.h5`,
        outfile: `${dir}/b.svg`,
        maskFile: "no",
        flip: { lr: false, ud: false },
      });
      ok(off.maskFile === null && off.vlim[0] < auto.vlim[0], "-m no shows every pixel");
      const clipped = await runCli(
        ["view", "velocity.h5", "--vlim", "-1", "1", "-o", "c.svg"],
        dir,
      );
      strictEqual(clipped.code, 0, clipped.stderr);
      ok(Deno.readTextFileSync(`${dir}/c.svg`).split("<polygon").length === 4, "triangle ends");
      const m = await runCli(["view", mask, "-o", "m.svg"], dir);
      strictEqual(m.code, 0, m.stderr);
      // Two levels (0 and 1) get one colour each and a tick each; jet, titled by the file.
      const ms = Deno.readTextFileSync(`${dir}/m.svg`);
      ok(ms.includes(">0<") && ms.includes(">1<") && !ms.includes(">0.5<"));
      ok(ms.includes(">maskTempCoh<"));
      strictEqual((await view.run({ file: mask, outfile: `${dir}/m.png` })).colormap, "jet");
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
