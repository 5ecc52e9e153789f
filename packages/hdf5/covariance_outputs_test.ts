import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { H5Reader, H5Writer } from "./h5.ts";
import { covarianceFileName, CovarianceOutput } from "./covariance_outputs.ts";

Deno.test("covarianceFileName: MintPy's names beside the time-series file", () => {
  strictEqual(covarianceFileName("timeseries.h5", "unwrapPhase"), "timeseriesDecorCov.h5");
  strictEqual(
    covarianceFileName("out/ts.v2.h5", "unwrapPhase_bridging"),
    "out/ts.v2DecorCov.h5",
  );
  strictEqual(covarianceFileName("ion.h5", "unwrapPhase"), "ionDecorCov.h5");
  strictEqual(covarianceFileName("timeseriesAz.h5", "azimuthOffset"), "timeseriesAzCov.h5");
  strictEqual(covarianceFileName("a.b/ts", "rangeOffset"), "a.b/tsCov.h5");
});

Deno.test("CovarianceOutput writes (N, N, rows, W) blocks into (N, N, LENGTH, WIDTH)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-cov-out-" });
  try {
    const path = `${dir}/timeseriesDecorCov.h5`;
    const N = 3, L = 5, W = 4;
    const writers: H5Writer[] = [];
    const cov = await CovarianceOutput.create({
      path,
      attrs: { FILE_TYPE: "timeseries", UNIT: "m", REF_DATE: "20200113" },
      dates: ["20200101", "20200113", "20200125"],
      length: L,
      width: W,
      blockRows: 2,
    }, async (p) => {
      const w = await H5Writer.create(p);
      writers.push(w);
      return w;
    });
    const value = (a: number, b: number, y: number, x: number) => 1000 * a + 100 * b + 10 * y + x;
    for (const [r0, r1] of [[0, 2], [2, 4], [4, 5]] as const) {
      const block = new Float32Array(N * N * (r1 - r0) * W);
      let i = 0;
      for (let a = 0; a < N; a++) {
        for (let b = 0; b < N; b++) {
          for (let y = r0; y < r1; y++) for (let x = 0; x < W; x++) block[i++] = value(a, b, y, x);
        }
      }
      cov.writeRows(r0, r1, block);
    }
    throws(() => cov.writeRows(0, 2, new Float32Array(5)), RangeError);
    for (const w of writers) w.commit();
    const r = await H5Reader.open(path);
    try {
      deepStrictEqual(r.info("timeseries").shape, [N, N, L, W]);
      strictEqual(r.info("timeseries").dtype, "<f");
      deepStrictEqual(r.readStrings("date"), ["20200101", "20200113", "20200125"]);
      strictEqual(r.attrs().REF_DATE, "20200113");
      const all = r.read("timeseries");
      let i = 0, good = true;
      for (let a = 0; a < N; a++) {
        for (let b = 0; b < N; b++) {
          for (let y = 0; y < L; y++) {
            for (let x = 0; x < W; x++) good &&= all[i++] === value(a, b, y, x);
          }
        }
      }
      ok(good, "values out of place");
    } finally {
      r.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
