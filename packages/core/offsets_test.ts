import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { InputError } from "./errors.ts";
import {
  isOffsetDataset,
  isOffsetStdMask,
  maskByOffsetStd,
  OFFSET_STD_MIN,
  offsetStdMedian,
  OffsetStdWeights,
  offsetUnit,
} from "./offsets.ts";

const f = Math.fround;

Deno.test("isOffsetDataset / isOffsetStdMask: MintPy's name rules", () => {
  ok(isOffsetDataset("azimuthOffset"));
  ok(isOffsetDataset("rangeOffset_filt"));
  ok(isOffsetDataset("OFFSET"));
  ok(!isOffsetDataset("unwrapPhase"));
  ok(isOffsetStdMask("azimuthOffsetStd"));
  ok(isOffsetStdMask("rangeOffsetStd"));
  ok(!isOffsetStdMask("offsetSNR"));
  ok(!isOffsetStdMask("azimuthOffsetStdDev"));
  ok(!isOffsetStdMask(null));
});

Deno.test("OffsetStdWeights: 1 / Std in float32, NaN Std -> 100, Std floored at 0.005", () => {
  const w = new OffsetStdWeights();
  strictEqual(w.unweighted, false);
  strictEqual(w.sqrtWeight(0.5), 2);
  strictEqual(w.sqrtWeight(f(0.03)), f(1 / f(0.03)));
  // NaN: Std 100, weight 1e-4.
  strictEqual(w.sqrtWeight(NaN), f(1 / 100));
  // Below the floor (and at it): 1 / float32(0.005).
  strictEqual(OFFSET_STD_MIN, f(0.005));
  strictEqual(w.sqrtWeight(0.001), f(1 / f(0.005)));
  strictEqual(w.sqrtWeight(0), f(1 / f(0.005)));
  strictEqual(w.sqrtWeight(-1), f(1 / f(0.005)));
  strictEqual(w.sqrtWeight(f(0.005)), f(1 / f(0.005)));
  // Just above the floor: its own inverse.
  const above = f(0.0051);
  strictEqual(w.sqrtWeight(above), f(1 / above));
  const sq = w.squaredWeightFunction();
  for (const s of [0.5, f(0.03), NaN, 0.001, f(0.0051), 3]) {
    strictEqual(sq(s), w.sqrtWeight(s) ** 2, `squared weight of Std ${s}`);
  }
  strictEqual(sq(NaN), f(0.01) ** 2);
});

Deno.test("offsetUnit: azimuth ground pixel size / ALOOKS, range -RANGE_PIXEL_SIZE / RLOOKS", () => {
  const isce = {
    PROCESSOR: "isce",
    AZIMUTH_PIXEL_SIZE: "41.7",
    EARTH_RADIUS: "6337286.6",
    HEIGHT: "693000.0",
    ALOOKS: "3",
    RANGE_PIXEL_SIZE: "20.8",
    RLOOKS: "9",
  };
  const az = offsetUnit(isce, "azimuthOffset")!;
  const ground = (41.7 * 6337286.6) / (6337286.6 + 693000.0);
  strictEqual(az.direction, "azimuth");
  strictEqual(az.pixelSize, ground / 3);
  strictEqual(az.scale, ground / 3);
  strictEqual(az.pixelSize.toFixed(2), "12.53"); // MintPy's log of the reference case
  const rg = offsetUnit(isce, "rangeOffset")!;
  deepStrictEqual(rg, { direction: "range", pixelSize: 20.8 / 9, scale: -20.8 / 9 });
  // roipac as isce; EARTH_RADIUS defaults to 6371 km.
  const { EARTH_RADIUS: _, ...noRadius } = isce;
  strictEqual(
    offsetUnit({ ...noRadius, PROCESSOR: "roipac" }, "azimuthOffset")!.scale,
    (41.7 * 6371e3) / (6371e3 + 693000.0) / 3,
  );
  // gamma: AZIMUTH_PIXEL_SIZE is already on the ground.
  strictEqual(offsetUnit({ ...isce, PROCESSOR: "gamma" }, "azimuthOffset")!.scale, 41.7 / 3);
  // No conversion: cosicorr offsets, other dataset names.
  strictEqual(offsetUnit({ ...isce, PROCESSOR: "cosicorr" }, "azimuthOffset"), null);
  strictEqual(offsetUnit(isce, "azimuthOffset_filt"), null);
  strictEqual(offsetUnit(isce, "unwrapPhase"), null);
});

Deno.test("offsetUnit: a missing attribute or an unknown processor fails, naming it", () => {
  const base = { PROCESSOR: "isce", AZIMUTH_PIXEL_SIZE: "14", HEIGHT: "7e5", ALOOKS: "1" };
  throws(
    () =>
      offsetUnit({ ...base, PROCESSOR: undefined as unknown as string }, "azimuthOffset", "s.h5"),
    (e) => e instanceof InputError && /s\.h5: attribute PROCESSOR is missing/.test(e.message),
  );
  throws(
    () => offsetUnit({ ...base, HEIGHT: "x" }, "azimuthOffset"),
    (e) => e instanceof InputError && /attribute HEIGHT is "x", not a number/.test(e.message),
  );
  throws(
    () => offsetUnit({ PROCESSOR: "isce", RLOOKS: "1" }, "rangeOffset"),
    (e) => e instanceof InputError && /RANGE_PIXEL_SIZE is missing/.test(e.message),
  );
  throws(
    () => offsetUnit({ ...base, PROCESSOR: "hyp3" }, "azimuthOffset"),
    (e) => e instanceof InputError && /PROCESSOR "hyp3"/.test(e.message),
  );
  throws(
    () => offsetUnit({ ...base, X_FIRST: "120.0" }, "azimuthOffset"),
    (e) => e instanceof InputError && /geocoded/.test(e.message),
  );
  // A geocoded range stack converts (RANGE_PIXEL_SIZE is all it needs).
  strictEqual(
    offsetUnit(
      { PROCESSOR: "gamma", X_FIRST: "1", RANGE_PIXEL_SIZE: "4", RLOOKS: "2" },
      "rangeOffset",
    )!
      .scale,
    -2,
  );
});

Deno.test("offsetStdMedian: float32 nanmedian of referenced offsets where Std <= threshold", () => {
  const obs = Float32Array.of(1, 5, 3, NaN, 0, 9, 2);
  const std = Float32Array.of(0.1, 0.1, NaN, 0.1, 0.1, 0.9, 0.1);
  // Std NaN counts as 0 (kept); 0.9 > 0.5 dropped; NaN offset ignored; zero is a value.
  // Kept: 1, 5, 3, 0, 2 -> referenced by 0.5 (zero stays zero): 0.5 4.5 2.5 0 1.5 -> 1.5.
  strictEqual(offsetStdMedian({ obs, std, ref: 0.5, threshold: 0.5 }), 1.5);
  // Zero as no data (phase): 0.5 1.5 2.5 4.5 -> mean of the two middle values.
  strictEqual(
    offsetStdMedian({ obs, std, ref: 0.5, threshold: 0.5, zeroIsNoData: true }),
    f(f(1.5 + 2.5) / 2),
  );
  const even = Float32Array.of(f(0.1), f(0.2));
  strictEqual(
    offsetStdMedian({ obs: even, std: new Float32Array(2), ref: 0, threshold: 1 }),
    f(f(f(0.1) + f(0.2)) / 2),
  );
  ok(
    Number.isNaN(offsetStdMedian({ obs, std: new Float32Array(7).fill(2), ref: 0, threshold: 1 })),
  );
  // The threshold is compared in float32, as numpy does.
  strictEqual(
    offsetStdMedian({ obs: Float32Array.of(7), std: Float32Array.of(0.1), ref: 0, threshold: 0.1 }),
    7,
  );
});

Deno.test("maskByOffsetStd: Std above the threshold masks, unless within 5x and SNR >= 10", () => {
  // One interferogram, 7 pixels; threshold 0.1, median 1, reference 0.5.
  const obs = Float32Array.of(0, 2, 2, 1.6, 1.6, 10, 3);
  const std = Float32Array.of(0.1, 0.2, 0.6, 0.1, NaN, 0.5, 0.2);
  const block = {
    pixels: 7,
    obs,
    std,
    refPhase: Float32Array.of(0.5),
    median: Float32Array.of(1),
    threshold: 0.1,
  };
  const masked = maskByOffsetStd(block);
  // 0: Std at the threshold: kept. 1: |1.5 - 1| / 0.2 = 2.5 < 10: masked. 2: Std above 5x:
  // masked. 3: kept. 4: NaN Std counts as 0: kept. 5: |9.5 - 1| / 0.5 = 17 >= 10 and Std
  // at 5x: kept. 6: |2.5 - 1| / 0.2 = 7.5: masked.
  strictEqual(masked, 3);
  const nan = Array.from(obs, (v) => v !== v);
  deepStrictEqual(nan, [false, true, true, false, false, false, true]);
  strictEqual(obs[5], 10); // unreferenced values stay as read
});

Deno.test("maskByOffsetStd: SNR in float32 at the limit, pixel range, NaN median", () => {
  // SNR exactly 10 in float32: kept; a NaN median keeps nothing above the threshold.
  const s = f(0.3);
  const v = f(f(10 * f(s + f(1e-5))));
  const obs = Float32Array.of(v, v, v, v);
  const std = Float32Array.of(s, s, s, s);
  const block = {
    pixels: 2,
    obs,
    std,
    refPhase: Float32Array.of(0, 0),
    median: Float32Array.of(0, NaN),
    threshold: 0.1,
  };
  strictEqual(maskByOffsetStd(block), 2);
  ok(obs[0] === v && obs[1] === v);
  ok(Number.isNaN(obs[2]!) && Number.isNaN(obs[3]!));
  // Only pixels [1, 2) of each interferogram.
  const obs2 = Float32Array.of(5, 5, 5, 5);
  strictEqual(
    maskByOffsetStd(
      {
        ...block,
        obs: obs2,
        std: new Float32Array(4).fill(1),
        median: Float32Array.of(0, 0),
      },
      1,
      2,
    ),
    2,
  );
  deepStrictEqual(Array.from(obs2, (x) => x !== x), [false, true, false, true]);
});
