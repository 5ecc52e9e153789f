import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { inversionAttrs } from "./invert_attrs.ts";

Deno.test("output attributes: config keys, file types, REF_DATE and NO_DATA_VALUE rules", () => {
  const a = inversionAttrs(
    { FILE_TYPE: "ifgramStack", UNIT: "radian", REF_DATE: "x", NO_DATA_VALUE: "0", LENGTH: "3" },
    {
      obsDatasetName: "unwrapPhase",
      numIfgram: 30,
      weightFunc: "var",
      maskDataset: null,
      maskThreshold: 1e-5,
      minRedundancy: 1,
      minNormVelocity: true,
    },
    "20180106",
  );
  deepStrictEqual(
    [a.timeseries.FILE_TYPE, a.timeseries.UNIT, a.timeseries.REF_DATE, a.timeseries.LENGTH],
    ["timeseries", "m", "20180106", "3"],
  );
  strictEqual(a.timeseries["mintpy.networkInversion.maskDataset"], "None");
  strictEqual(a.timeseries["mintpy.networkInversion.minRedundancy"], "1.0");
  strictEqual(a.timeseries["mintpy.networkInversion.maskThreshold"], "1e-05");
  strictEqual(a.timeseries["mintpy.networkInversion.minNormVelocity"], "True");
  strictEqual(a.timeseries["mintpy.networkInversion.numIfgram"], "30");
  deepStrictEqual([a.quality.FILE_TYPE, a.quality.UNIT, a.quality.REF_DATE], [
    "temporalCoherence",
    "1",
    undefined,
  ]);
  strictEqual(a.quality.NO_DATA_VALUE, "0");
  deepStrictEqual([a.numInv.FILE_TYPE, a.numInv.UNIT, a.numInv.NO_DATA_VALUE], [
    "mask",
    "1",
    undefined,
  ]);
});
