import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { InputError, simulate } from "@vinsar/core";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "../pipeline/mod.ts";
import { silentReporter } from "../reporter.ts";
import { simulateStack } from "./_stack.ts";
import { simulateTimeseries } from "./_timeseries.ts";
import { run } from "./mod.ts";

const L = 30, W = 40, N = 12;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-sim-" });
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const settings = {
  maxBlockRows: Infinity,
  gzip: false,
  lzfConnectComponent: false,
  reporter: silentReporter,
};

async function writeStack(
  dir: string,
  name: string,
  budgetBytes: number,
  lzf = false,
): Promise<void> {
  const scene = simulate.createScene({ length: L, width: W, numDates: N, seed: 5 });
  const stack = await H5Writer.create(`${dir}/${name}.h5`);
  const truth = await H5Writer.create(`${dir}/${name}_truth.h5`);
  await simulateStack(scene, { stack, truth }, {
    ...settings,
    budgetBytes,
    lzfConnectComponent: lzf,
  });
  stack.commit();
  truth.commit();
}

Deno.test("simulated ifgramStack.h5 reads back with MintPy's datasets, types and attributes", async () => {
  await withDir(async (dir) => {
    await writeStack(dir, "ifgramStack", 64 * 2 ** 20, true);
    const r = await H5Reader.open(`${dir}/ifgramStack.h5`);
    try {
      const K = 3 * N - 6;
      const a = r.attrs();
      for (
        const [k, v] of Object.entries({
          FILE_TYPE: "ifgramStack",
          LENGTH: `${L}`,
          WIDTH: `${W}`,
          UNIT: "radian",
        })
      ) {
        strictEqual(a[k], v, k);
      }
      for (
        const k of [
          "WAVELENGTH",
          "ALOOKS",
          "RLOOKS",
          "REF_Y",
          "REF_X",
          "CENTER_LINE_UTC",
          "PLATFORM",
        ]
      ) {
        ok(a[k] !== undefined, `attribute ${k}`);
      }
      deepStrictEqual(r.datasets().sort(), [
        "bperp",
        "coherence",
        "connectComponent",
        "date",
        "dropIfgram",
        "unwrapPhase",
      ]);
      const info = (n: string) => [r.info(n).shape, r.info(n).dtype];
      deepStrictEqual(info("unwrapPhase"), [[K, L, W], "<f"]);
      deepStrictEqual(info("coherence"), [[K, L, W], "<f"]);
      deepStrictEqual(info("connectComponent"), [[K, L, W], "<h"]);
      deepStrictEqual(info("bperp"), [[K], "<f"]);
      deepStrictEqual(info("dropIfgram"), [[K], "bool"]);
      deepStrictEqual(r.info("date").shape, [K, 2]);
      strictEqual(r.info("date").dtype, "S8");
      ok(
        /lzf/i.test(r.info("connectComponent").filters.join()),
        "connectComponent is LZF-compressed",
      );
      const drop = Array.from(r.read("dropIfgram"));
      strictEqual(drop.length - drop.reduce((s, v) => s + v, 0), 2, "two dropped interferograms");
      const dates = r.readStrings("date");
      ok(dates.every((d) => /^\d{8}$/.test(d)));
      ok(dates.every((d, i) => i % 2 === 1 || d < dates[i + 1]!), "date1 < date2");
      const y = Number(a.REF_Y), x = Number(a.REF_X);
      const refPhase = r.read("unwrapPhase", [[0, K], [y, y + 1], [x, x + 1]]);
      ok(refPhase.every((v) => v !== 0), "the reference pixel has data in every interferogram");
    } finally {
      r.close();
    }
    const t = await H5Reader.open(`${dir}/ifgramStack_truth.h5`);
    try {
      const a = t.attrs();
      strictEqual(a.FILE_TYPE, "timeseries");
      strictEqual(a.UNIT, "m");
      strictEqual(a.REF_DATE, t.readStrings("date")[0]);
      deepStrictEqual(t.info("timeseries").shape, [N, L, W]);
      for (const name of ["velocity", "annualAmplitude", "annualPhase", `step${a.SIM_STEP_DATE}`]) {
        deepStrictEqual(t.info(name).shape, [L, W], name);
      }
      for (const name of ["waterMask", "missingPatch", "disconnectedPatch", "lowCoherence"]) {
        strictEqual(t.info(name).dtype, "bool", name);
      }
      const first = t.read("timeseries", [[0, 1]]);
      ok(first.every((v) => v === 0), "first date is zero");
    } finally {
      t.close();
    }
  });
});

Deno.test("a tiny memory budget (scratch file, small blocks) writes the same stack", async () => {
  await withDir(async (dir) => {
    await writeStack(dir, "big", 64 * 2 ** 20);
    await writeStack(dir, "small", 64 * 1024);
    const a = await H5Reader.open(`${dir}/big.h5`), b = await H5Reader.open(`${dir}/small.h5`);
    try {
      ok((b.info("unwrapPhase").chunks?.[1] ?? L) < L, "several row blocks");
      for (const name of ["unwrapPhase", "coherence", "connectComponent", "bperp", "dropIfgram"]) {
        deepStrictEqual(b.read(name), a.read(name), name);
      }
    } finally {
      a.close();
      b.close();
    }
    ok(
      ![...Deno.readDirSync(dir)].some((e) => e.name.includes("vinsar-simulate")),
      "scratch file removed",
    );
  });
});

Deno.test("simulated timeseries.h5: MintPy layout, referenced, truth beside it", async () => {
  await withDir(async (dir) => {
    const scene = simulate.createScene({ length: L, width: W, numDates: N, seed: 6 });
    const ts = await H5Writer.create(`${dir}/timeseries.h5`);
    const truth = await H5Writer.create(`${dir}/truth.h5`);
    await simulateTimeseries(scene, { timeseries: ts, truth }, {
      ...settings,
      budgetBytes: 2 ** 26,
      noiseStd: 0.002,
      rampStd: 0,
    });
    ts.commit();
    truth.commit();
    const r = await H5Reader.open(`${dir}/timeseries.h5`);
    try {
      const a = r.attrs();
      strictEqual(a.FILE_TYPE, "timeseries");
      strictEqual(a.REF_DATE, scene.dates[0]);
      deepStrictEqual(r.readStrings("date"), [...scene.dates]);
      deepStrictEqual(r.info("timeseries").shape, [N, L, W]);
      strictEqual(r.info("bperp").shape[0], N);
      const ref = r.read("timeseries", [[0, N], [scene.refY, scene.refY + 1], [
        scene.refX,
        scene.refX + 1,
      ]]);
      ok(ref.every((v) => v === 0), "zero at the reference pixel");
      const last = r.read("timeseries", [[N - 1, N]]);
      ok(last.some((v) => Math.abs(v) > 0.005), "deformation present");
    } finally {
      r.close();
    }
  });
});

Deno.test("run: row units capped by maxBlockRows give the same files; typed result", async () => {
  await registerBuiltinBackends();
  await withDir(async (dir) => {
    const scene = { length: L, width: W, numDates: N, seed: 5, reporter: silentReporter };
    const whole = await run({ ...scene, outfile: `${dir}/a/stack.h5`, truthFile: `${dir}/a/t.h5` });
    const capped = await run({
      ...scene,
      outfile: `${dir}/b/stack.h5`,
      truthFile: `${dir}/b/t.h5`,
      maxBlockRows: 7,
    });
    strictEqual(whole.rowsPerBlock, L);
    strictEqual(capped.rowsPerBlock, 7);
    strictEqual(capped.phaseStore, "memory");
    strictEqual(capped.outfile, `${dir}/b/stack.h5`);
    strictEqual(capped.scene.pairs.length, 3 * N - 6);
    ok(capped.seconds.total >= capped.seconds.ifgrams);
    for (
      const [file, names] of [["stack.h5", ["unwrapPhase", "coherence", "connectComponent"]], [
        "t.h5",
        ["timeseries", "velocity", "waterMask", "unwrapErrorCount"],
      ]] as const
    ) {
      const a = await H5Reader.open(`${dir}/a/${file}`),
        b = await H5Reader.open(`${dir}/b/${file}`);
      try {
        for (const name of names) deepStrictEqual(b.read(name), a.read(name), `${file} ${name}`);
      } finally {
        a.close();
        b.close();
      }
    }
    const ts = await run({
      ...scene,
      outfile: `${dir}/ts.h5`,
      truthFile: null,
      timeseriesOnly: true,
    });
    strictEqual(ts.truthFile, null);
    deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a", "b", "ts.h5"]);
    await rejects(
      run({ ...scene, outfile: `${dir}/same.h5`, truthFile: `${dir}/same.h5` }),
      (e) => e instanceof InputError && /--out and --truth: both name/.test(e.message),
    );
  });
});
