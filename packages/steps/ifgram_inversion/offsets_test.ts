import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { H5Reader, IfgramStack } from "@vinsar/hdf5";
import {
  OFFSET_GAP_PIXEL,
  OFFSET_NAN_PIXEL,
  TEST_SHAPE,
  testOffset,
  testOffsetStd,
  writeTestOffsetStack,
} from "@vinsar/hdf5/testing";
import { registerBuiltinBackends } from "../pipeline/backends.ts";
import type { Reporter } from "../reporter.ts";
import { silentReporter } from "../reporter.ts";
import { run } from "./mod.ts";
import { resolveOptions } from "./options.ts";
import { applyOffsetStdMask, mintpyPatches } from "./_offsets.ts";

await registerBuiltinBackends();

const { L, W } = TEST_SHAPE;
const K = TEST_SHAPE.K - 1; // the last pair is dropped
const AZ_PIXEL = (14.1 * 6337286.6) / (6337286.6 + 693000.0) / 3;
const RG_PIXEL = 2.3 / 9;

interface Outputs {
  attrs: Array<Record<string, string>>;
  names: string[][];
  ts: Float32Array;
  quality: Float32Array;
  num: Float32Array;
}

async function readOutputs(paths: readonly string[]): Promise<Outputs> {
  const attrs: Array<Record<string, string>> = [], names: string[][] = [];
  const data: Float32Array[] = [];
  for (const p of paths) {
    const r = await H5Reader.open(p);
    try {
      attrs.push(r.attrs());
      names.push(r.datasets());
      const main = r.datasets().find((n) => n !== "date" && n !== "bperp")!;
      data.push(Float32Array.from(r.read(main) as Float32Array));
    } finally {
      r.close();
    }
  }
  return { attrs, names, ts: data[0]!, quality: data[1]!, num: data[2]! };
}

/** A temporary folder with `inputs/offsetStack.h5`; removed afterwards. */
async function withStack(
  fn: (dir: string, stackFile: string) => Promise<void>,
  attrs: Record<string, string | undefined> = {},
  omit: string[] = [],
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-offset-" });
  try {
    Deno.mkdirSync(`${dir}/inputs`);
    const stackFile = `${dir}/inputs/offsetStack.h5`;
    await writeTestOffsetStack(stackFile, { attrs, omit });
    await fn(dir, stackFile);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

function recorder(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    debug() {},
    progress: () => ({ advance() {} }),
  };
}

Deno.test("resolveOptions: MintPy's offset outputs, weights, quality and skipped reference", async () => {
  await withStack(async (_dir, stackFile) => {
    const stack = await IfgramStack.open(stackFile);
    try {
      const az = resolveOptions({ stackFile, obsDatasetName: "azimuthOffset" }, stack);
      deepStrictEqual(az.outfile, ["timeseriesAz.h5", "residualInvAz.h5", "numInvOffAz.h5"]);
      strictEqual(az.offset, true);
      strictEqual(az.quality, "residual");
      strictEqual(az.qualityName, "residual");
      strictEqual(az.weightDataset, "azimuthOffsetStd");
      strictEqual(az.skipRef, true);
      strictEqual(az.skipRefReason, "offset");
      const rg = resolveOptions(
        { stackFile, obsDatasetName: "rangeOffset", weightFunc: "fim" },
        stack,
      );
      deepStrictEqual(rg.outfile, ["timeseriesRg.h5", "residualInvRg.h5", "numInvOffRg.h5"]);
      strictEqual(rg.weightDataset, null); // fim/coh/no: offsets unweighted
      strictEqual(rg.config.weightFunc, "fim"); // recorded as given
      const named = resolveOptions({
        stackFile,
        obsDatasetName: "rangeOffset",
        outfile: ["a.h5", "b.h5", "c.h5"],
        skipRef: true,
      }, stack);
      strictEqual(named.quality, "residual");
      strictEqual(named.qualityName, "temporalCoherence"); // MintPy names it by the file
      strictEqual(named.skipRefReason, "flag");
      const std = resolveOptions({
        stackFile,
        obsDatasetName: "azimuthOffset",
        maskDataset: "azimuthOffsetStd",
      }, stack);
      strictEqual(std.config.maskDataset, "azimuthOffsetStd");
    } finally {
      stack.close();
    }
  });
});

Deno.test("resolveOptions: offsets need their Std for -w var; unknown mask names fail", async () => {
  await withStack(
    async (_dir, stackFile) => {
      const stack = await IfgramStack.open(stackFile);
      try {
        let err: unknown;
        try {
          resolveOptions({ stackFile, obsDatasetName: "azimuthOffset" }, stack);
        } catch (e) {
          err = e;
        }
        ok(
          err instanceof InputError &&
            /no azimuthOffsetStd dataset in .*offsetStack\.h5/.test(err.message),
        );
        strictEqual(
          resolveOptions({ stackFile, obsDatasetName: "azimuthOffset", weightFunc: "no" }, stack)
            .weightDataset,
          null,
        );
        let bad: unknown;
        try {
          resolveOptions({
            stackFile,
            obsDatasetName: "rangeOffset",
            maskDataset: "rangeOffsetStdX" as never,
          }, stack);
        } catch (e) {
          bad = e;
        }
        ok(bad instanceof InputError && /--mask-dset/.test(bad.message));
        // MintPy's covariance of offsets stops on -w fim and coh.
        for (const weightFunc of ["fim", "coh"] as const) {
          let cov: unknown;
          try {
            resolveOptions(
              { stackFile, obsDatasetName: "rangeOffset", weightFunc, calcCov: true },
              stack,
            );
          } catch (e) {
            cov = e;
          }
          ok(
            cov instanceof InputError &&
              /--calc-cov: un-supported weight function/.test(cov.message),
          );
        }
      } finally {
        stack.close();
      }
    },
    {},
    ["azimuthOffsetStd"],
  );
});

Deno.test("mintpyPatches: MintPy's split2boxes rows for a memory budget", () => {
  const one = mintpyPatches({ length: 60, width: 80, numIfgram: 84, numDate: 30 });
  deepStrictEqual(one, [[0, 60]]);
  // 700 images of 1000 x 1000 float32, x 1.5, in 1 GB: 4 patches of 250 rows.
  const big = { length: 1000, width: 1000, numIfgram: 300, numDate: 100 };
  deepStrictEqual(mintpyPatches(big, 1), [[0, 250], [250, 500], [500, 750], [750, 1000]]);
  // 3 patches: rows rounded up to a multiple of 10.
  deepStrictEqual(mintpyPatches(big, 1.4), [[0, 340], [340, 680], [680, 1000]]);
  deepStrictEqual(mintpyPatches(big), [[0, 1000]]); // MintPy's default 4 GB
});

Deno.test("applyOffsetStdMask: each row of a block with the medians of its MintPy patch", () => {
  // Rows 8..12 of a 2-wide image, one interferogram, Std 0.2 above the threshold 0.1 (and
  // within 5x); patches [0, 10) and [10, 20) with medians 0 and 100. An offset of 5 has SNR
  // 25 and 475 (kept in both); one of 99 has SNR 495 in the first patch (kept), 5 in the
  // second (masked: its 3 rows).
  const obs = Float32Array.of(5, 99, 5, 99, 5, 99, 5, 99, 5, 99);
  const std = new Float32Array(10).fill(0.2);
  const masked = applyOffsetStdMask({
    dataset: "azimuthOffsetStd",
    threshold: 0.1,
    patches: [
      { row0: 0, row1: 10, median: Float32Array.of(0) },
      { row0: 10, row1: 20, median: Float32Array.of(100) },
    ],
  }, { row0: 8, row1: 13, width: 2, obs, std, refPhase: Float32Array.of(0) });
  strictEqual(masked, 3);
  deepStrictEqual(Array.from(obs, (v) => v !== v), [
    false,
    false,
    false,
    false,
    false,
    true,
    false,
    true,
    false,
    true,
  ]);
});

Deno.test("run azimuthOffset -w var: MintPy's files, metres, residual NaN where not inverted", async () => {
  await withStack(async (dir, stackFile) => {
    const outfile = [
      `${dir}/timeseriesAz.h5`,
      `${dir}/residualInvAz.h5`,
      `${dir}/numInvOffAz.h5`,
    ] as const;
    const rep = recorder();
    const res = await run({
      stackFile,
      obsDatasetName: "azimuthOffset",
      outfile,
      backend: "ts",
      reporter: rep,
    });
    strictEqual(res.skipped, false);
    ok(
      rep.lines.includes(
        `info converting azimuth offset unit from pixel (${AZ_PIXEL.toFixed(2)} m) to meter`,
      ),
    );
    ok(rep.lines.includes("info weight function: var (1 / azimuthOffsetStd)"));
    ok(rep.lines.some((l) => l.startsWith("info skip checking reference pixel info")));
    const out = await readOutputs(outfile);
    deepStrictEqual(out.names, [["bperp", "date", "timeseries"], ["residual"], ["mask"]]);
    strictEqual(out.attrs[0]!.FILE_TYPE, "timeseries");
    strictEqual(out.attrs[0]!.UNIT, "m");
    strictEqual(out.attrs[0]!["mintpy.networkInversion.obsDatasetName"], "azimuthOffset");
    strictEqual(out.attrs[1]!.FILE_TYPE, "residual");
    strictEqual(out.attrs[1]!.UNIT, "pixel");
    strictEqual(out.attrs[1]!.REF_DATE, undefined);
    strictEqual(out.attrs[2]!.FILE_TYPE, "mask");
    strictEqual(out.attrs[2]!.UNIT, "1");
    const nan = OFFSET_NAN_PIXEL[0] * W + OFFSET_NAN_PIXEL[1];
    const gap = OFFSET_GAP_PIXEL[0] * W + OFFSET_GAP_PIXEL[1];
    ok(Number.isNaN(out.quality[nan]!), "all-NaN pixel: residual NaN");
    strictEqual(out.num[nan], 0);
    strictEqual(out.num[gap], K - 2);
    ok(out.quality[gap]! > 0);
    strictEqual(out.num[0], K);
    for (let p = 0; p < L * W; p++) if (p !== nan) ok(out.quality[p]! >= 0, `pixel ${p}`);
  });
});

Deno.test("run offsets: pixels to metres (azimuth x pixel size, range x -pixel size)", async () => {
  await withStack(async (dir, stackFile) => {
    const cosi = `${dir}/inputs/cosicorr.h5`;
    await writeTestOffsetStack(cosi, { attrs: { PROCESSOR: "cosicorr" } });
    for (const [obs, scale] of [["azimuthOffset", AZ_PIXEL], ["rangeOffset", -RG_PIXEL]] as const) {
      const a = [`${dir}/a1.h5`, `${dir}/a2residual.h5`, `${dir}/a3.h5`] as const;
      const b = [`${dir}/b1.h5`, `${dir}/b2residual.h5`, `${dir}/b3.h5`] as const;
      const common = { obsDatasetName: obs, backend: "ts", reporter: silentReporter } as const;
      await run({ ...common, stackFile, outfile: a });
      await run({ ...common, stackFile: cosi, outfile: b });
      const m = await readOutputs(a), px = await readOutputs(b);
      let nonzero = 0;
      for (let i = 0; i < m.ts.length; i++) {
        const want = Math.fround(px.ts[i]! * Math.fround(scale));
        ok(m.ts[i] === want, `${obs} value ${i}: ${m.ts[i]} vs ${want}`);
        if (px.ts[i] !== 0) nonzero++;
      }
      ok(nonzero > m.ts.length / 2);
      // The residual stays in pixels.
      ok(m.quality.every((v, i) => same(v, px.quality[i]!)));
    }
  });
});

Deno.test("run offsets: -w fim/coh invert unweighted (a warning), unlike -w var", async () => {
  await withStack(async (dir, stackFile) => {
    const files = (tag: string) =>
      [`${dir}/${tag}1.h5`, `${dir}/${tag}residual.h5`, `${dir}/${tag}3.h5`] as const;
    const common = { stackFile, obsDatasetName: "rangeOffset", backend: "ts" } as const;
    const rep = recorder();
    await run({ ...common, outfile: files("fim"), weightFunc: "fim", reporter: rep });
    ok(rep.lines.some((l) => l.startsWith("warn weight function fim does not apply to offsets")));
    await run({ ...common, outfile: files("no"), weightFunc: "no", reporter: silentReporter });
    await run({ ...common, outfile: files("var"), weightFunc: "var", reporter: silentReporter });
    const fim = await readOutputs(files("fim")), no = await readOutputs(files("no"));
    const wvar = await readOutputs(files("var"));
    strictEqual(fim.attrs[0]!["mintpy.networkInversion.weightFunc"], "fim");
    ok(fim.ts.every((v, i) => v === no.ts[i]));
    ok(fim.quality.every((v, i) => same(v, no.quality[i]!)));
    ok(wvar.ts.some((v, i) => Math.abs(v - no.ts[i]!) > 1e-4), "1/Std weights change the answer");
    // Unweighted: the gap pixel has 4 pairs for 4 unknowns: no lstsq residues, NaN.
    const gap = OFFSET_GAP_PIXEL[0] * W + OFFSET_GAP_PIXEL[1];
    ok(Number.isNaN(no.quality[gap]!));
    ok(!Number.isNaN(wvar.quality[gap]!));
  });
});

Deno.test("run offsets with REF_Y/REF_X: referenced, residual 0 and every pair at the reference", async () => {
  await withStack(async (dir, stackFile) => {
    const outfile = [`${dir}/ts.h5`, `${dir}/residualInv.h5`, `${dir}/num.h5`] as const;
    const rep = recorder();
    await run({
      stackFile,
      obsDatasetName: "azimuthOffset",
      outfile,
      backend: "ts",
      reporter: rep,
    });
    ok(rep.lines.includes("info reference pixel in y/x: (2, 3) from dataset: azimuthOffset"));
    const out = await readOutputs(outfile);
    const ref = 2 * W + 3;
    strictEqual(out.quality[ref], 0);
    strictEqual(out.num[ref], K);
    strictEqual(out.attrs[0]!.REF_Y, "2");
    for (let d = 0; d < 5; d++) ok(Math.abs(out.ts[d * L * W + ref]!) < 1e-5);
  }, { REF_Y: "2", REF_X: "3" });
});

Deno.test("run offsets --mask-dset azimuthOffsetStd: MintPy's Std mask with its SNR exception", async () => {
  await withStack(async (dir, stackFile) => {
    const outfile = [`${dir}/ts.h5`, `${dir}/residual.h5`, `${dir}/num.h5`] as const;
    const threshold = 0.02;
    await run({
      stackFile,
      obsDatasetName: "azimuthOffset",
      weightFunc: "no",
      maskDataset: "azimuthOffsetStd",
      maskThreshold: threshold,
      minRedundancy: 0,
      outfile,
      backend: "ts",
      reporter: silentReporter,
    });
    const out = await readOutputs(outfile);
    // The rule written plainly: per pair, the median of the offsets with Std <= threshold.
    const f = Math.fround;
    const kept = new Array(L * W).fill(0);
    let relaxed = 0;
    for (let k = 0; k < K; k++) {
      const vals: number[] = [];
      for (let y = 0; y < L; y++) {
        for (let x = 0; x < W; x++) {
          const s = testOffsetStd(k, y, x), v = testOffset("az", k, y, x);
          if ((s !== s ? 0 : s) <= f(threshold) && v === v) vals.push(v);
        }
      }
      vals.sort((a, b) => a - b);
      const n = vals.length, h = n >> 1;
      const med = n % 2 ? vals[h]! : f(f(vals[h - 1]! + vals[h]!) / 2);
      for (let y = 0; y < L; y++) {
        for (let x = 0; x < W; x++) {
          const s0 = testOffsetStd(k, y, x), s = s0 !== s0 ? 0 : s0;
          const v = testOffset("az", k, y, x);
          if (v !== v) continue;
          let keep = s <= f(threshold);
          if (!keep && s <= f(threshold * 5)) {
            keep = f(Math.abs(f(v - med)) / f(s + f(1e-5))) >= 10;
            if (keep) relaxed++;
          }
          if (keep) kept[y * W + x]++;
        }
      }
    }
    ok(relaxed > 0, "some observations are kept by their SNR");
    ok(kept.some((c) => c < K - 1), "some are masked");
    for (let p = 0; p < L * W; p++) strictEqual(out.num[p], kept[p], `pixel ${p}`);
  });
});

Deno.test("run offsets: ts and wasm backends, 1 and 2 workers write the same numbers", async () => {
  await withStack(async (dir, stackFile) => {
    const files = (tag: string) =>
      [`${dir}/${tag}1.h5`, `${dir}/${tag}residual.h5`, `${dir}/${tag}3.h5`] as const;
    const common = {
      stackFile,
      obsDatasetName: "azimuthOffset",
      reporter: silentReporter,
    } as const;
    await run({ ...common, outfile: files("ts"), backend: "ts", workers: 1 });
    await run({ ...common, outfile: files("wasm"), backend: "wasm", workers: 1 });
    await run({ ...common, outfile: files("pool"), backend: "ts", workers: 2, maxBlockRows: 2 });
    const a = await readOutputs(files("ts"));
    for (const tag of ["wasm", "pool"]) {
      const b = await readOutputs(files(tag));
      for (const key of ["ts", "quality", "num"] as const) {
        const x = a[key], y = b[key];
        ok(
          x.every((v, i) =>
            Math.abs(v - y[i]!) <= 1e-6 * Math.max(1, Math.abs(v)) || same(v, y[i]!)
          ),
          `${tag} ${key}`,
        );
      }
    }
  });
});

Deno.test("run offsets: a stack without PROCESSOR cannot convert azimuth offsets (as MintPy)", async () => {
  await withStack(async (dir, stackFile) => {
    await rejects(
      run({
        stackFile,
        obsDatasetName: "azimuthOffset",
        outfile: [`${dir}/a.h5`, `${dir}/b.h5`, `${dir}/c.h5`],
        backend: "ts",
        reporter: silentReporter,
      }),
      (e) => e instanceof InputError && /attribute PROCESSOR is missing/.test(e.message),
    );
    // Nothing is left under the outputs' names.
    ok(!Deno.readDirSync(dir).some((e) => e.name.endsWith(".h5")));
  }, { PROCESSOR: undefined });
});
