import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { offsetTimeseriesRule, ruleFor } from "./tolerance.ts";

const hints = { statistical: false, skip: [] };
const sim = {
  "mintpy.networkInversion.obsDatasetName": "azimuthOffset",
  PROCESSOR: "isce",
  AZIMUTH_PIXEL_SIZE: "41.7",
  EARTH_RADIUS: "6337286.6",
  HEIGHT: "693000.0",
  ALOOKS: "3",
  RANGE_PIXEL_SIZE: "20.8",
  RLOOKS: "9",
};

Deno.test("offsetTimeseriesRule: 1e-5 of an offset pixel, never under 1e-5 m", () => {
  const az = offsetTimeseriesRule("timeseries", sim)!;
  strictEqual(az.kind, "numeric");
  const pixel = (41.7 * 6337286.6) / (6337286.6 + 693000.0) / 3;
  ok(az.kind === "numeric" && Math.abs(az.abs - 1e-5 * pixel) < 1e-18);
  const rg = offsetTimeseriesRule("timeseries", {
    ...sim,
    "mintpy.networkInversion.obsDatasetName": "rangeOffset",
  })!;
  ok(rg.kind === "numeric" && Math.abs(rg.abs - 1e-5 * (20.8 / 9)) < 1e-18);
  // A pixel under 1 m (or no conversion) keeps the README's 1e-5 m.
  const small = offsetTimeseriesRule("timeseries", { ...sim, AZIMUTH_PIXEL_SIZE: "0.5" })!;
  ok(small.kind === "numeric" && small.abs === 1e-5);
  const cosicorr = offsetTimeseriesRule("timeseries", { ...sim, PROCESSOR: "cosicorr" })!;
  ok(cosicorr.kind === "numeric" && cosicorr.abs === 1e-5);
  // Not an offset time-series: the README's rules.
  strictEqual(offsetTimeseriesRule("residual", sim), null);
  strictEqual(
    offsetTimeseriesRule("timeseries", {
      ...sim,
      "mintpy.networkInversion.obsDatasetName": "unwrapPhase",
    }),
    null,
  );
  strictEqual(offsetTimeseriesRule("timeseries", {}), null);
  strictEqual(offsetTimeseriesRule("timeseries", { ...sim, PROCESSOR: "hyp3" }), null);
});

Deno.test("ruleFor residual: 1e-4, like the temporal coherence", () => {
  deepStrictEqual(ruleFor("residual", ["residual"], hints), {
    kind: "numeric",
    abs: 1e-4,
    rel: 0,
    label: "1e-4",
  });
});
