import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { decimalYearOf, InputError } from "@vinsar/core";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "@vinsar/steps/pipeline";
import { referenceDir } from "@vinsar/steps/testing";
import type { Timeseries2VelocityOptions } from "./mod.ts";
import { sameFiles, t2v } from "./_testing.ts";

await registerBuiltinBackends();
const ref = referenceDir();

Deno.test({
  name: "bootstrap: seeded, the same in workers and blocks, statistically MintPy's",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
    try {
      const boot: Timeseries2VelocityOptions = {
        timeseriesFile: `${ref}/mexico-city/timeseries.h5`,
        uncertaintyQuantification: "bootstrap",
        bootstrapCount: 400,
        seed: 11,
      };
      const one = await t2v({ ...boot, outfile: `${dir}/one.h5`, workers: 1 });
      const pool = await t2v({ ...boot, outfile: `${dir}/pool.h5`, workers: 2, maxBlockRows: 9 });
      strictEqual(one.result.fit?.executor, "in-process");
      strictEqual(pool.result.fit?.executor, "2 workers");
      strictEqual(one.result.fit?.seed, 11);
      ok(pool.result.fit!.blocks > 1, "several blocks");
      const a = await H5Reader.open(`${dir}/one.h5`), b = await H5Reader.open(`${dir}/pool.h5`);
      const m = await H5Reader.open(`${ref}/mexico-city/cases/vel-boot/velocity.h5`);
      try {
        deepStrictEqual(a.datasets().sort(), m.datasets().sort());
        for (const name of a.datasets()) deepStrictEqual(a.read(name), b.read(name), name);
        // The reference suite's statistical rule for MintPy's unseeded bootstrap.
        for (const p of ["intercept", "velocity"]) {
          const mine = a.read(p), theirs = m.read(p), sd = m.read(`${p}Std`);
          const mySd = a.read(`${p}Std`);
          let far = 0, count = 0, outside = 0;
          const ratios: number[] = [];
          for (let i = 0; i < theirs.length; i++) {
            if (!(sd[i]! > 0)) continue;
            count++;
            if (Math.abs(mine[i]! - theirs[i]!) > 0.25 * sd[i]!) far++;
            const r = mySd[i]! / sd[i]!;
            ratios.push(r);
            if (r < 0.75 || r > 1.33) outside++;
          }
          ok(far <= 0.001 * count, `${p}: ${far} of ${count} beyond 0.25 std`);
          ratios.sort((x, y) => x - y);
          const median = ratios[ratios.length >> 1]!;
          ok(median >= 0.9 && median <= 1.1, `${p}Std: median ratio ${median}`);
          ok(outside <= 0.05 * count, `${p}Std: ${outside} ratios outside [0.75, 1.33]`);
        }
      } finally {
        a.close();
        b.close();
        m.close();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "residue fit in a worker while the main thread reads: the same bytes as in-process",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
    try {
      const options: Timeseries2VelocityOptions = {
        timeseriesFile: `${ref}/mexico-city/timeseries.h5`,
        periodic: [1],
        saveRes: true,
      };
      const one = await t2v({
        ...options,
        outfile: `${dir}/one.h5`,
        resFile: `${dir}/one_res.h5`,
        workers: 1,
      });
      const pool = await t2v({
        ...options,
        outfile: `${dir}/pool.h5`,
        resFile: `${dir}/pool_res.h5`,
        workers: 2,
        maxBlockRows: 7,
      });
      strictEqual(one.result.fit?.executor, "in-process");
      ok(/^timing: read .*, 1 worker$/m.test(pool.log), "the fit ran in one worker");
      strictEqual(pool.result.fit?.executor, "1 worker");
      deepStrictEqual(pool.result.fit?.counts, one.result.fit?.counts);
      await sameFiles(`${dir}/one.h5`, `${dir}/pool.h5`);
      await sameFiles(`${dir}/one_res.h5`, `${dir}/pool_res.h5`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];
const SECONDS = 43400;

/**
 * A small timeseries.h5: pixel (y, x) moves `0.01 + 0.001 * (y * 5 + x)` m/year from an
 * offset of -0.002 m (exact linear motion); pixel 0 has no data (NaN), pixel 1 is all zero,
 * pixel 2 misses dates 1 and 4, pixel 3 has data on 2 dates only.
 */
async function synthetic(path: string): Promise<void> {
  const L = 4, W = 5, n = DATES.length;
  const w = await H5Writer.create(path);
  w.setAttrs({
    FILE_TYPE: "timeseries",
    UNIT: "m",
    LENGTH: String(L),
    WIDTH: String(W),
    REF_Y: "3",
    REF_X: "4",
    REF_DATE: DATES[0]!,
    CENTER_LINE_UTC: String(SECONDS),
  });
  w.writeWhole("date", DATES);
  const t = DATES.map((d) => decimalYearOf(d, SECONDS) - decimalYearOf(DATES[0]!, SECONDS));
  const data = new Float32Array(n * L * W);
  for (let i = 0; i < n; i++) {
    for (let px = 0; px < L * W; px++) {
      let v = -0.002 + (0.01 + 0.001 * px) * t[i]!;
      if (px === 0 || (px === 2 && (i === 1 || i === 4)) || (px === 3 && i > 1)) v = NaN;
      if (px === 1) v = 0;
      data[i * L * W + px] = v;
    }
  }
  w.create("timeseries", [n, L, W], "<f");
  w.write("timeseries", [[0, n]], data);
  w.commit();
}

/** Time-series (co)variance files of the synthetic file: `s2` on every date, uncorrelated. */
async function covarianceFiles(dir: string, s2: number): Promise<void> {
  const L = 4, W = 5, n = DATES.length;
  for (const full of [false, true]) {
    const w = await H5Writer.create(`${dir}/${full ? "cov_full" : "cov_var"}.h5`);
    w.setAttrs({ FILE_TYPE: "timeseries", LENGTH: String(L), WIDTH: String(W) });
    w.writeWhole("date", DATES);
    const shape = full ? [n, n, L, W] : [n, L, W];
    const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < n; i++) {
      const k = full ? i * n + i : i;
      v.fill(s2, k * L * W, (k + 1) * L * W);
    }
    w.create("timeseries", shape, "<f");
    w.write("timeseries", [[0, shape[0]!]], v);
    w.commit();
  }
}

Deno.test("covariance propagation end to end: variance and full files, closed form", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await synthetic(`${dir}/timeseries.h5`);
    const s2 = 4e-6;
    await covarianceFiles(dir, s2);
    for (const c of ["cov_var", "cov_full"]) {
      const { result } = await t2v({
        timeseriesFile: `${dir}/timeseries.h5`,
        uncertaintyQuantification: "covariance",
        timeSeriesCovFile: `${dir}/${c}.h5`,
        outfile: `${dir}/${c}_v.h5`,
      });
      strictEqual(result.uncertainty, "covariance");
    }
    // Uncorrelated equal variances: var(v) = s2 / sum (t - mean t)^2 over the dates with data.
    const t = DATES.map((d) => decimalYearOf(d, SECONDS) - decimalYearOf(DATES[0]!, SECONDS));
    const sdv = (rows: number[]) => {
      const m = rows.reduce((a, i) => a + t[i]!, 0) / rows.length;
      return Math.sqrt(s2 / rows.reduce((a, i) => a + (t[i]! - m) ** 2, 0));
    };
    for (const c of ["cov_var", "cov_full"]) {
      const v = await H5Reader.open(`${dir}/${c}_v.h5`);
      try {
        ok(!v.datasets().includes("residue"), "no residue dataset with --uq covariance");
        strictEqual(v.attrs()["mintpy.timeFunc.uncertaintyQuantification"], "covariance");
        const sd = v.read("velocityStd");
        const close = (a: number, b: number, what: string) =>
          ok(Math.abs(a - b) < 1e-6 * b, `${c} ${what}: ${a} vs ${b}`);
        close(sd[10]!, sdv([0, 1, 2, 3, 4, 5]), "complete pixel");
        close(sd[2]!, sdv([0, 2, 3, 5]), "pixel missing dates 1 and 4");
      } finally {
        v.close();
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("synthetic linear motion: exact velocities, NaN dates fit on the rest, skips", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await synthetic(`${dir}/timeseries.h5`);
    // Absolute paths: the working folder is shared by the test modules run in parallel (the
    // default names, in the working folder as MintPy's, are checked by the CLI's tests).
    const r = await t2v({
      timeseriesFile: `${dir}/timeseries.h5`,
      saveRes: true,
      outfile: `${dir}/velocity.h5`,
      resFile: `${dir}/timeseriesResidual.h5`,
    });
    ok(/1 pixels have no data \(NaN\) on some dates/.test(r.log), r.log);
    ok(/1 pixels have data on 2 or fewer dates/.test(r.log), r.log);
    strictEqual(r.result.outfile, `${dir}/velocity.h5`);
    strictEqual(r.result.resFile, `${dir}/timeseriesResidual.h5`);
    deepStrictEqual(r.result.dates, DATES);
    strictEqual(r.result.fit?.pixels, 20);
    deepStrictEqual(
      [r.result.fit?.counts.partial, r.result.fit?.counts.unsolvable],
      [1, 1],
    );
    const v = await H5Reader.open(`${dir}/velocity.h5`);
    const res = await H5Reader.open(`${dir}/timeseriesResidual.h5`);
    try {
      const vel = v.read("velocity"), icpt = v.read("intercept"), resid = res.read("timeseries");
      for (let px = 0; px < 20; px++) {
        if (px <= 1 || px === 3) {
          strictEqual(vel[px], 0, `pixel ${px} is not fit`);
          for (let i = 0; i < DATES.length; i++) {
            ok(Number.isNaN(resid[i * 20 + px]!), `pixel ${px}: NaN residual on date ${i}`);
          }
          continue;
        }
        ok(Math.abs(vel[px]! - (0.01 + 0.001 * px)) < 1e-6, `pixel ${px}: ${vel[px]}`);
        ok(Math.abs(icpt[px]! + 0.002) < 1e-7, `pixel ${px}: intercept ${icpt[px]}`);
        for (let i = 0; i < DATES.length; i++) {
          const r = resid[i * 20 + px]!;
          if (px === 2 && (i === 1 || i === 4)) {
            ok(Number.isNaN(r), `missing date ${i} stays NaN in the residual`);
          } else ok(Math.abs(r) < 1e-7, `pixel ${px} date ${i}: residual ${r}`);
        }
      }
      strictEqual(v.attrs()["mintpy.timeFunc.uncertaintyQuantification"], "residue");
      deepStrictEqual(res.readStrings("date"), DATES);
      ok(!("REF_DATE" in res.attrs()));
    } finally {
      v.close();
      res.close();
    }
    // An excluded date: the residual's date k is no longer the file's date k.
    await t2v({
      timeseriesFile: `${dir}/timeseries.h5`,
      saveRes: true,
      excludeDate: [DATES[1]!],
      outfile: `${dir}/v_ex.h5`,
      resFile: `${dir}/timeseriesResidual.h5`,
    });
    const resEx = await H5Reader.open(`${dir}/timeseriesResidual.h5`);
    try {
      const kept = DATES.filter((_, i) => i !== 1);
      deepStrictEqual(resEx.readStrings("date"), kept);
      const resid = resEx.read("timeseries");
      for (let k = 0; k < kept.length; k++) {
        for (const px of [0, 1, 3]) ok(Number.isNaN(resid[k * 20 + px]!), `--ex: pixel ${px}`);
        // Pixel 2 now misses one of the dates fit (the file's date 4, the residual's 3).
        const r = resid[k * 20 + 2]!;
        if (k === 3) ok(Number.isNaN(r), "--ex: missing date stays NaN");
        else ok(Math.abs(r) < 1e-7, `--ex: pixel 2 date ${k}: residual ${r}`);
        ok(Math.abs(resid[k * 20 + 7]!) < 1e-7, `--ex: pixel 7 date ${k}`);
      }
    } finally {
      resEx.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("bootstrap count: negative is an input error; 0 or 1 falls back to residue (MintPy)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    await synthetic(`${dir}/timeseries.h5`);
    const base: Timeseries2VelocityOptions = {
      timeseriesFile: `${dir}/timeseries.h5`,
      outfile: `${dir}/velocity.h5`,
      uncertaintyQuantification: "bootstrap",
      backend: "ts",
    };
    for (const bootstrapCount of [-1, 2.5]) {
      await rejects(
        t2v({ ...base, bootstrapCount }),
        (e) =>
          e instanceof InputError &&
          e.message === `flag --bootstrap-count: ${bootstrapCount} must be a whole number >= 0`,
      );
    }
    Deno.writeTextFileSync(`${dir}/t.cfg`, "mintpy.timeFunc.bootstrapCount = -400\n");
    await rejects(
      t2v({ ...base, templateFile: `${dir}/t.cfg` }),
      /^InputError: template mintpy\.timeFunc\.bootstrapCount: -400 must be a whole number >= 0$/,
    );
    ok(!Deno.readDirSync(dir).some((e) => e.name.startsWith("velocity")));
    const one = await t2v({ ...base, bootstrapCount: 1 });
    ok(/bootstrapCount should be larger than 1! Use residue instead/.test(one.log), one.log);
    const v = await H5Reader.open(`${dir}/velocity.h5`);
    strictEqual(v.attrs()["mintpy.timeFunc.uncertaintyQuantification"], "residue");
    v.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
