import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { mapGridShape } from "@vinsar/plot";
import { autoFlip, autoTitle, panelTitles } from "./_auto.ts";
import type { ViewItem } from "./_datasets.ts";

const two = (name: string): ViewItem => ({ name, layer: null, label: name, short: name });
const layer = (name: string, key: string, i: number): ViewItem => ({
  name,
  layer: i,
  label: `${name}-${key}`,
  short: key,
});
const ctx = (fileType: string, numDatasets = 1) => ({ fileType, numDatasets, wrapRange: null });

Deno.test("view: MintPy's automatic titles, panel titles, flips and grid shape", () => {
  strictEqual(autoTitle("a/velocity.h5", [two("velocity")], ctx("velocity", 5)), "velocity");
  strictEqual(autoTitle("geo_velocity.h5", [two("velocity")], ctx("velocity", 5)), "geo_velocity");
  strictEqual(autoTitle("maskTempCoh.h5", [two("mask")], ctx("mask")), "maskTempCoh");
  const ts = [layer("timeseries", "20150118", 3)];
  strictEqual(
    autoTitle("timeseries_ERA5.h5", ts, ctx("timeseries", 3)),
    "timeseries-20150118_ERA5",
  );
  strictEqual(
    autoTitle("stack.h5", [layer("unwrapPhase", "20200101_20200113", 0)], {
      ...ctx("ifgramStack"),
      wrapRange: [-2, 2],
    }),
    "unwrapPhase-20200101_20200113_wrap4",
  );
  deepStrictEqual(panelTitles(ts, "timeseries", 35), ["2015-01-18"]);
  const ifg = [
    layer("unwrapPhase", "20200113_20200125", 1),
    layer("unwrapPhase", "20200101_20200113", 0),
  ];
  deepStrictEqual(panelTitles(ifg, "ifgramStack", 4), ["20200113_20200125", "20200101_20200113"]);
  deepStrictEqual(panelTitles(ifg, "ifgramStack", 12), [
    "1\n20200113_20200125",
    "0\n20200101_20200113",
  ]);
  deepStrictEqual(panelTitles(ifg, "ifgramStack", 60), ["1", "0"]);
  deepStrictEqual(autoFlip({ ORBIT_DIRECTION: "DESCENDING" }), { lr: true, ud: false });
  deepStrictEqual(autoFlip({ ORBIT_DIRECTION: "Ascending" }), { lr: false, ud: true });
  deepStrictEqual(autoFlip({ ORBIT_DIRECTION: "DESCENDING", Y_FIRST: "30" }), {
    lr: false,
    ud: false,
  });
  deepStrictEqual(mapGridShape(30, 60 / 80), [5, 7]);
});
