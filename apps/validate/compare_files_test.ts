import { ok } from "node:assert/strict";
import { join } from "node:path";
import { H5Writer } from "@vinsar/hdf5";
import { compareOutputFile } from "./compare_files.ts";
import { isDir, suiteDir } from "./suite.ts";

/** MintPy's sim-small outputs, or null (skip) when the suite is absent outside CI. */
function simSmallCases(): string | null {
  const dir = join(suiteDir(), "sim-small", "cases");
  if (isDir(dir)) return dir;
  if (Deno.env.get("CI") === "true") throw new Error(`reference suite not found at ${dir}`);
  console.warn(`skipping: reference suite not found at ${dir} (set VINSAR_REFERENCE)`);
  return null;
}

const plain = { statistical: false, skip: [] };

Deno.test("MintPy's own files compare equal to themselves", async () => {
  const cases = simSmallCases();
  if (!cases) return;
  for (
    const f of [
      "inv-var/timeseries.h5",
      "inv-var/numInvIfgram.h5",
      "vel-full/velocity.h5",
      "rms-quadratic/rms_timeseriesResidual_ramp.txt",
      "rms-quadratic/reference_date.txt",
    ]
  ) {
    const path = join(cases, f);
    const verdicts = await compareOutputFile(path, path, { ...plain, stdRelTol: 0.1 });
    ok(verdicts.length > 0 && verdicts.every((v) => v.passed), `${f}: ${JSON.stringify(verdicts)}`);
  }
});

Deno.test("a different inversion (weights var vs no) is reported as a mismatch", async () => {
  const cases = simSmallCases();
  if (!cases) return;
  const verdicts = await compareOutputFile(
    join(cases, "inv-var/timeseries.h5"),
    join(cases, "inv-no/timeseries.h5"),
    plain,
  );
  const ts = verdicts.find((v) => v.what === "timeseries.h5:timeseries")!;
  ok(!ts.passed, ts.message);
  ok(verdicts.find((v) => v.what === "timeseries.h5:date")!.passed);
});

Deno.test("different fits (linear vs polyline) fail; the skip hint drops a dataset", async () => {
  const cases = simSmallCases();
  if (!cases) return;
  const ours = join(cases, "vel-polyline/velocity.h5");
  const ref = join(cases, "vel-linear/velocity.h5");
  const verdicts = await compareOutputFile(ours, ref, plain);
  ok(!verdicts.find((v) => v.what === "velocity.h5:velocity")!.passed);
  ok(verdicts.some((v) => v.message.includes("velocityPost20150810")), "extra dataset noted");
  const skipped = await compareOutputFile(ours, ref, {
    ...plain,
    skip: ["velocity", "intercept", "interceptStd", "residue", "velocityStd"],
  });
  ok(skipped.every((v) => v.passed), JSON.stringify(skipped));
});

/** Write a (3, 3, 2, 2) covariance-like file; `edit` changes MintPy's values first. */
async function covFile(path: string, edit: (v: Float32Array) => void = () => {}): Promise<void> {
  const v = new Float32Array(36);
  // Pixel p's entries are of order 10^-p (pixel 3 is all zero, as a skipped pixel).
  for (let i = 0; i < 36; i++) v[i] = (i % 4 === 3) ? 0 : (1 + (i % 7)) * 10 ** -(i % 4);
  edit(v);
  const w = await H5Writer.create(path);
  w.setAttrs({ FILE_TYPE: "timeseries", UNIT: "m", REF_DATE: "20200113" });
  w.writeWhole("date", ["20200101", "20200113", "20200125"]);
  w.writeWhole("timeseries", v, { shape: [3, 3, 2, 2] });
  w.commit();
}

Deno.test("cov_rel_tol compares each pixel relative to its largest |entry|", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-cov-compare-" });
  const hints = { ...plain, covRelTol: 1e-3 };
  const verdict = async (edit: (v: Float32Array) => void) => {
    await covFile(`${dir}/ours.h5`, edit);
    const all = await compareOutputFile(`${dir}/ours.h5`, `${dir}/ref.h5`, hints);
    return all.find((v) => v.what === "ref.h5:timeseries")!;
  };
  try {
    await covFile(`${dir}/ref.h5`);
    ok((await verdict(() => {})).passed);
    // 5e-4 of the peak on every entry of pixel 2 (entries ~1e-2): within.
    const v1 = await verdict((v) => {
      for (let i = 2; i < 36; i += 4) v[i] += 5e-4 * 7e-2;
    });
    ok(v1.passed, v1.message);
    // 2e-3 of its peak on every entry of pixel 1: beyond the tolerance on 25% of values.
    const v2 = await verdict((v) => {
      for (let i = 1; i < 36; i += 4) v[i] += 2e-3 * 7e-1;
    });
    ok(!v2.passed, v2.message);
    ok(v2.message.includes("1e-3 of the pixel's largest |entry|"), v2.message);
    // Anything where MintPy's pixel is all zero is beyond it.
    const v3 = await verdict((v) => {
      v[3] = 1e-12;
    });
    ok(!v3.passed, v3.message);
    // Without the hint, the absolute 1e-5 rule of `timeseries` would pass that one.
    const plainVerdicts = await compareOutputFile(`${dir}/ours.h5`, `${dir}/ref.h5`, plain);
    ok(plainVerdicts.find((v) => v.what === "ref.h5:timeseries")!.passed);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
