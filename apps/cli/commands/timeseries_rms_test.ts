import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { decode } from "fast-png";
import { parseRmsTable } from "@vinsar/core";
import { H5Reader } from "@vinsar/hdf5";
import { listDir, referenceDir, runCli } from "../test_reference.ts";
import { writeNoisyResidual } from "@vinsar/steps/testing";

const ref = referenceDir();

/** A scratch folder holding copies of a dataset's RMS inputs. */
function scratch(dataset: string): string {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-rms-" });
  for (const f of ["timeseriesResidual.h5", "maskTempCoh.h5"]) {
    Deno.copyFileSync(`${ref}/${dataset}/${f}`, `${dir}/${f}`);
  }
  return dir;
}

/** Compare one case's outputs with MintPy's, inside the test. */
async function compareCase(dataset: string, ramp: string) {
  const dir = scratch(dataset);
  try {
    const r = await runCli(
      ["timeseries_rms", "timeseriesResidual.h5", "-m", "maskTempCoh.h5", "-r", ramp],
      dir,
    );
    strictEqual(r.code, 0, r.stderr);
    const mintpy = `${ref}/${dataset}/cases/rms-${ramp}`;
    const name = ramp === "no" ? "timeseriesResidual" : "timeseriesResidual_ramp";
    // RMS table: same dates, same header, RMS within 1e-4 relative (we get ~1e-6).
    const mine = parseRmsTable(Deno.readTextFileSync(`${dir}/rms_${name}.txt`));
    const theirs = parseRmsTable(Deno.readTextFileSync(`${mintpy}/rms_${name}.txt`));
    deepStrictEqual(mine.dates, theirs.dates);
    mine.rms.forEach((v, i) => {
      const rel = Math.abs(v - theirs.rms[i]!) / theirs.rms[i]!;
      ok(rel < 1e-5, `${dataset} ${ramp} ${mine.dates[i]}: relative difference ${rel}`);
    });
    const header = (t: string) => t.split("\n").filter((l) => l.startsWith("#"));
    deepStrictEqual(
      header(Deno.readTextFileSync(`${dir}/rms_${name}.txt`)),
      header(Deno.readTextFileSync(`${mintpy}/rms_${name}.txt`)),
    );
    strictEqual(
      Deno.readTextFileSync(`${dir}/reference_date.txt`),
      Deno.readTextFileSync(`${mintpy}/reference_date.txt`),
    );
    strictEqual(
      listDir(dir).includes("exclude_date.txt"),
      listDir(mintpy).includes("exclude_date.txt"),
    );
    if (ramp !== "no") {
      const a = await H5Reader.open(`${dir}/${name}.h5`);
      const b = await H5Reader.open(`${mintpy}/${name}.h5`);
      deepStrictEqual(a.attrs(), b.attrs());
      deepStrictEqual(a.readStrings("date"), b.readStrings("date"));
      const x = a.read("timeseries"), y = b.read("timeseries");
      strictEqual(x.length, y.length);
      let maxDiff = 0;
      for (let i = 0; i < x.length; i++) {
        strictEqual(Number.isNaN(x[i]!), Number.isNaN(y[i]!));
        if (!Number.isNaN(y[i]!)) maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!));
      }
      ok(maxDiff < 1e-6, `${dataset} ${ramp}: deramped differs by ${maxDiff} m`);
      a.close();
      b.close();
    } else ok(!listDir(dir).some((f) => f.endsWith("_ramp.h5")));
    // The chart: a PNG and an SVG with one bar per date.
    const png = decode(Deno.readFileSync(`${dir}/rms_${name}.png`));
    strictEqual(png.width, 1000);
    strictEqual(png.height, 600);
    const svg = Deno.readTextFileSync(`${dir}/rms_${name}.svg`);
    ok(svg.includes("Residual phase RMS [mm]"));
    // No temporary files are left behind.
    ok(!listDir(dir).some((f) => f.includes(".tmp")), listDir(dir).join(" "));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

for (const dataset of ["sim-small", "mexico-city"]) {
  Deno.test({
    name: `timeseries_rms matches MintPy on ${dataset} (no, linear, quadratic)`,
    ignore: ref === null,
    async fn() {
      await Promise.all(["no", "linear", "quadratic"].map((r) => compareCase(dataset, r)));
    },
  });
}

Deno.test({
  name: "bad inputs: one-line error, exit 2, nothing written",
  ignore: ref === null,
  async fn() {
    const dir = scratch("sim-small");
    try {
      Deno.copyFileSync(`${ref}/mexico-city/maskTempCoh.h5`, `${dir}/otherMask.h5`);
      const before = listDir(dir);
      const cases: Array<[string[], RegExp]> = [
        [
          ["timeseriesResidual.h5", "-m", "otherMask.h5"],
          /otherMask\.h5: mask .*60 x 100.*60 x 80/,
        ],
        [["maskTempCoh.h5"], /FILE_TYPE is "mask", expected a timeseries file/],
        [["timeseriesResidual.h5", "-r", "cubic"], /unknown ramp type "cubic"/],
        [["missing.h5"], /missing\.h5: file not found/],
        [["timeseriesResidual.h5", "--cutoff", "x"], /--cutoff/],
      ];
      const results = await Promise.all(cases.map(([a]) => runCli(["timeseries_rms", ...a], dir)));
      results.forEach((r, i) => {
        strictEqual(r.code, 2, r.stderr);
        const lines = r.stderr.trim().split("\n");
        strictEqual(lines.length, 1, r.stderr);
        ok(cases[i]![1].test(lines[0]!), lines[0]);
      });
      deepStrictEqual(listDir(dir), before);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("outlier dates go to exclude_date.txt, which is removed when there are none", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-rms-" });
  try {
    const dates = await writeNoisyResidual(`${dir}/ts.h5`, 5);
    // No mask file: the whole area is used.
    let r = await runCli(["timeseries_rms", "ts.h5", "-r", "linear"], dir);
    strictEqual(r.code, 0, r.stderr);
    strictEqual(Deno.readTextFileSync(`${dir}/exclude_date.txt`), `${dates[5]}\n`);
    const rms = parseRmsTable(Deno.readTextFileSync(`${dir}/rms_ts_ramp.txt`)).rms;
    const min = rms.indexOf(Math.min(...rms));
    strictEqual(Deno.readTextFileSync(`${dir}/reference_date.txt`), `${dates[min]}\n`);
    // --update: outputs newer than the inputs are kept (MintPy's run_or_skip).
    const mtime = Deno.statSync(`${dir}/rms_ts_ramp.txt`).mtime!.getTime();
    r = await runCli(["timeseries_rms", "ts.h5", "-r", "linear", "--update"], dir);
    strictEqual(r.code, 0, r.stderr);
    strictEqual(Deno.statSync(`${dir}/rms_ts_ramp.txt`).mtime!.getTime(), mtime);
    await writeNoisyResidual(`${dir}/ts.h5`, null);
    r = await runCli(["timeseries_rms", "ts.h5", "-r", "no"], dir);
    strictEqual(r.code, 0, r.stderr);
    ok(!listDir(dir).includes("exclude_date.txt"));
    ok(listDir(dir).includes("rms_ts.txt"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
