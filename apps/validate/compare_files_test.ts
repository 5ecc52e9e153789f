import { ok } from "node:assert/strict";
import { join } from "node:path";
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
