import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Reader, H5Writer, TimeseriesFile } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "@vinsar/steps/pipeline";
import { emptyOffsetDates, isRangeOffsetTimeseries } from "./_empty_dates.ts";
import { resolveSettings, type Settings } from "./_settings.ts";
import { capture, sameFiles, t2v } from "./_testing.ts";
import type { Timeseries2VelocityOptions } from "./options.ts";

await registerBuiltinBackends();

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];
const L = 5, W = 3;

/**
 * An offset-like time-series: date 0 (REF_DATE) all zero, date 2 zeros and NaN, date 4
 * values that cancel (sum 0), the others a linear trend plus a little curvature. Written
 * with chunks of 2 rows, so the pass over it reads across chunk boundaries.
 */
async function offsetSeries(path: string, attrs: Record<string, string> = {}): Promise<void> {
  const w = await H5Writer.create(path);
  w.setAttrs({
    FILE_TYPE: "timeseries",
    UNIT: "m",
    LENGTH: String(L),
    WIDTH: String(W),
    REF_DATE: DATES[0]!,
    ...attrs,
  });
  w.writeWhole("date", DATES);
  const n = DATES.length, data = new Float32Array(n * L * W);
  for (let d = 0; d < n; d++) {
    for (let p = 0; p < L * W; p++) {
      let v = 0.01 * d * (1 + p) + 0.001 * d * d;
      if (d === 0) v = 0;
      if (d === 2) v = p % 4 === 1 ? NaN : 0;
      if (d === 4) v = p === 3 ? 0.5 : p === 7 ? -0.5 : 0;
      data[d * L * W + p] = v;
    }
  }
  w.create("timeseries", [n, L, W], "<f", { chunks: [1, 2, W] });
  w.write("timeseries", [[0, n]], data);
  w.commit();
}

async function settingsOf(
  path: string,
  options: Partial<Timeseries2VelocityOptions> = {},
): Promise<{ settings: Settings; log: string }> {
  const ts = await TimeseriesFile.open(path);
  const reporter = capture();
  try {
    const settings = resolveSettings({ timeseriesFile: path, ...options }, ts, reporter);
    return { settings, log: reporter.lines.join("\n") };
  } finally {
    ts.close();
  }
}

Deno.test("empty dates: MintPy's file-name rule (timeseriesRg* only)", () => {
  ok(isRangeOffsetTimeseries("timeseriesRg.h5"));
  ok(isRangeOffsetTimeseries("/a/b/timeseriesRg_ERA5.h5"));
  ok(!isRangeOffsetTimeseries("timeseriesAz.h5"));
  ok(!isRangeOffsetTimeseries("timeseries.h5"));
  ok(!isRangeOffsetTimeseries("my_timeseriesRg.h5"));
  ok(!isRangeOffsetTimeseries("timeseriesRg/timeseries.h5"));
});

Deno.test("empty dates: sum zero with NaN ignored, REF_DATE kept, same in any blocking", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await offsetSeries(`${dir}/timeseriesRg.h5`);
    const ts = await TimeseriesFile.open(`${dir}/timeseriesRg.h5`);
    try {
      // 1: one row of one date per read; 7: parts of rows; W: one row per date; all: one read.
      for (const blockValues of [1, 7, W, 2 * W, DATES.length * W + 1, 1 << 20]) {
        deepStrictEqual(
          emptyOffsetDates(ts, { blockValues }),
          [DATES[2], DATES[4]],
          `${blockValues}`,
        );
      }
    } finally {
      ts.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("empty dates: left out of the fit of timeseriesRg*.h5 only, with a log line", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    for (const name of ["timeseriesRg", "timeseriesRg_demErr", "timeseriesAz", "timeseries"]) {
      await offsetSeries(`${dir}/${name}.h5`);
    }
    const kept = [DATES[0], DATES[1], DATES[3], DATES[5]];
    for (const name of ["timeseriesRg", "timeseriesRg_demErr"]) {
      const { settings, log } = await settingsOf(`${dir}/${name}.h5`);
      deepStrictEqual(settings.dates, kept, name);
      deepStrictEqual([...settings.dateIndex], [0, 1, 3, 5], name);
      strictEqual(settings.velocityAttrs.START_DATE, DATES[0]);
      strictEqual(settings.velocityAttrs["mintpy.timeFunc.excludeDate"], "[]");
      ok(
        log.includes(
          "range-offset time-series: leave out 2 date(s) whose image sums to zero: " +
            "['20200125', '20200218']",
        ),
        log,
      );
      ok(log.includes(`dates used to estimate the time function: 4\n`), log);
    }
    for (const name of ["timeseriesAz", "timeseries"]) {
      const { settings, log } = await settingsOf(`${dir}/${name}.h5`);
      deepStrictEqual(settings.dates, DATES, name);
      ok(!log.includes("sums to zero"), log);
      ok(log.includes("using all dates to calculate the time function"), log);
    }
    // With the user's exclusions: the union, the empty-date count as found in the file.
    const ex = await settingsOf(`${dir}/timeseriesRg.h5`, {
      excludeDate: [DATES[2]!, DATES[3]!],
      endDate: DATES[4],
    });
    deepStrictEqual(ex.settings.dates, [DATES[0], DATES[1]]);
    ok(ex.log.includes("leave out 2 date(s)"), ex.log);
    // The empty REF_DATE is the one kept (date 2 here; date 0, empty too, is left out).
    Deno.mkdirSync(`${dir}/ref2`);
    await offsetSeries(`${dir}/ref2/timeseriesRg.h5`, { REF_DATE: DATES[2]! });
    const ref2 = await settingsOf(`${dir}/ref2/timeseriesRg.h5`);
    deepStrictEqual(ref2.settings.dates, [DATES[1], DATES[2], DATES[3], DATES[5]]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("empty dates: no REF_DATE, or a REF_DATE not in the file, stops with the file named", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await offsetSeries(`${dir}/timeseriesRg.h5`, { REF_DATE: "20190101" });
    await rejects(
      settingsOf(`${dir}/timeseriesRg.h5`),
      (e) =>
        e instanceof InputError &&
        e.message === `${dir}/timeseriesRg.h5: REF_DATE 20190101 is not one of its dates`,
    );
    const w = await H5Writer.create(`${dir}/timeseriesRg.h5`);
    w.setAttrs({ FILE_TYPE: "timeseries", LENGTH: String(L), WIDTH: String(W) });
    w.writeWhole("date", DATES);
    w.create("timeseries", [DATES.length, L, W], "<f");
    w.write("timeseries", [[0, DATES.length]], new Float32Array(DATES.length * L * W).fill(1));
    w.commit();
    const ts = await TimeseriesFile.open(`${dir}/timeseriesRg.h5`);
    try {
      throws(() => emptyOffsetDates(ts), /^InputError: .*timeseriesRg\.h5: no REF_DATE attribute/);
    } finally {
      ts.close();
    }
    // The same file under another name runs (MintPy's usual first-date reference).
    Deno.renameSync(`${dir}/timeseriesRg.h5`, `${dir}/timeseries.h5`);
    const { settings } = await settingsOf(`${dir}/timeseries.h5`);
    strictEqual(settings.refDate, DATES[0]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("empty dates: the fit of timeseriesRg.h5 is the fit with those dates excluded", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await offsetSeries(`${dir}/timeseriesRg.h5`);
    await offsetSeries(`${dir}/timeseries.h5`);
    const common = { backend: "ts" as const, workers: 1, saveRes: true };
    const rg = await t2v({
      ...common,
      timeseriesFile: `${dir}/timeseriesRg.h5`,
      outfile: `${dir}/velocityRg.h5`,
      resFile: `${dir}/resRg.h5`,
    });
    const ex = await t2v({
      ...common,
      timeseriesFile: `${dir}/timeseries.h5`,
      excludeDate: [DATES[2]!, DATES[4]!],
      outfile: `${dir}/velocityEx.h5`,
      resFile: `${dir}/resEx.h5`,
    });
    deepStrictEqual(rg.result.dates, ex.result.dates);
    await sameFiles(`${dir}/velocityRg.h5`, `${dir}/velocityEx.h5`);
    await sameFiles(`${dir}/resRg.h5`, `${dir}/resEx.h5`);
    const v = await H5Reader.open(`${dir}/velocityRg.h5`);
    try {
      ok(v.read("velocity").some((x) => x !== 0), "fitted");
    } finally {
      v.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("bootstrap: a model other than a linear polynomial stops, also after a count <= 1", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await offsetSeries(`${dir}/timeseries.h5`);
    const path = `${dir}/timeseries.h5`;
    const message =
      "--uq bootstrap supports a linear polynomial (--poly 1, optionally --polyline) only, as MintPy";
    const models: Array<Partial<Timeseries2VelocityOptions>> = [
      { polynomial: 2 },
      { polynomial: 0 },
      { periodic: [1] },
      { stepDate: ["20200120"] },
      { exp: [["20200120", "30"]] },
      { log: [["20200120", "30"]] },
    ];
    for (const bootstrapCount of [0, 1, 400]) {
      for (const model of models) {
        const reporter = capture();
        const ts = await TimeseriesFile.open(path);
        try {
          throws(
            () =>
              resolveSettings(
                {
                  timeseriesFile: path,
                  uncertaintyQuantification: "bootstrap",
                  bootstrapCount,
                  ...model,
                },
                ts,
                reporter,
              ),
            (e) => e instanceof InputError && e.message === message,
            `${bootstrapCount} ${JSON.stringify(model)}`,
          );
        } finally {
          ts.close();
        }
        // MintPy's fall-back warning comes first for a count <= 1.
        strictEqual(
          reporter.lines.some((l) => l.startsWith("bootstrapCount should be larger than 1!")),
          bootstrapCount <= 1,
        );
      }
    }
    // Where MintPy falls back and goes on: a linear polynomial, with or without polylines.
    for (const model of [{}, { polyline: ["20200120"] }]) {
      for (const bootstrapCount of [0, 1]) {
        const { settings, log } = await settingsOf(path, {
          uncertaintyQuantification: "bootstrap",
          bootstrapCount,
          ...model,
        });
        strictEqual(settings.uncertainty, "residue");
        ok(log.includes("bootstrapCount should be larger than 1! Use residue instead"), log);
      }
      const { settings } = await settingsOf(path, {
        uncertaintyQuantification: "bootstrap",
        bootstrapCount: 2,
        ...model,
      });
      strictEqual(settings.uncertainty, "bootstrap");
    }
    // The template's values are checked the same way.
    Deno.writeTextFileSync(
      `${dir}/t.cfg`,
      "mintpy.timeFunc.uncertaintyQuantification = bootstrap\n" +
        "mintpy.timeFunc.bootstrapCount = 1\nmintpy.timeFunc.periodic = 1\n",
    );
    await rejects(settingsOf(path, { templateFile: `${dir}/t.cfg` }), { message });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
