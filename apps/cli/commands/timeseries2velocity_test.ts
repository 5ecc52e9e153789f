import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { decimalYearOf, registerBackend } from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { listDir, referenceDir } from "../test_reference.ts";
import { command } from "./timeseries2velocity.ts";
import { KEY_ATTRIBUTES } from "../../validate/compare.ts";

const ref = referenceDir();
const CLI = new URL("../main.ts", import.meta.url).pathname;

/**
 * Run `vinsar timeseries2velocity <args>` in `cwd` (quiet unless `env` sets VINSAR_LOG); exit
 * code and stderr.
 */
async function t2v(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "timeseries2velocity", ...args, ...(env.VINSAR_LOG ? [] : ["-q"])],
    cwd,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/**
 * The reference suite's rule: within `tol` on 99.9% of values and 100 x `tol` everywhere,
 * NaN where MintPy has NaN.
 */
function within(name: string, mine: ArrayLike<number>, theirs: ArrayLike<number>, tol: number) {
  strictEqual(mine.length, theirs.length, name);
  let bad = 0, worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    const a = mine[i]!, b = theirs[i]!;
    if (Number.isNaN(b) || Number.isNaN(a)) {
      strictEqual(Number.isNaN(a), Number.isNaN(b), `${name}[${i}]: NaN mismatch`);
      continue;
    }
    const d = Math.abs(a - b);
    worst = Math.max(worst, d);
    if (d > tol) bad++;
  }
  ok(bad <= 0.001 * theirs.length, `${name}: ${bad} values beyond ${tol}`);
  ok(worst <= 100 * tol, `${name}: worst difference ${worst}`);
}

/** Compare an output file with MintPy's: key attributes, timeFunc attributes, datasets. */
async function compareFile(mine: string, theirs: string, tolOf: (name: string) => number) {
  const a = await H5Reader.open(mine), b = await H5Reader.open(theirs);
  try {
    const aa = a.attrs(), ba = b.attrs();
    for (const k of KEY_ATTRIBUTES) {
      if (k in ba) strictEqual(aa[k], ba[k], `${mine}: attribute ${k}`);
    }
    for (const k of Object.keys(ba).filter((k) => k.startsWith("mintpy.timeFunc."))) {
      strictEqual(aa[k], ba[k], `${mine}: attribute ${k}`);
    }
    deepStrictEqual(Object.keys(aa).sort(), Object.keys(ba).sort());
    deepStrictEqual(a.datasets().sort(), b.datasets().sort());
    for (const name of b.datasets()) {
      if (/^[|<>]?[SA]\d+$/.test(b.info(name).dtype)) {
        deepStrictEqual(a.readStrings(name), b.readStrings(name));
        continue;
      }
      deepStrictEqual(a.info(name).shape, b.info(name).shape, name);
      strictEqual(a.info(name).dtype, "<f", name);
      within(`${mine}:${name}`, a.read(name), b.read(name), tolOf(name));
    }
  } finally {
    a.close();
    b.close();
  }
}

Deno.test({
  name: "mexico-city vel-linear / vel-polyline match MintPy, streamed in 7-row blocks",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
    try {
      Deno.copyFileSync(`${ref}/mexico-city/timeseries.h5`, `${dir}/timeseries.h5`);
      const env = { VINSAR_MAX_BLOCK_ROWS: "7" };
      const [lin, poly] = await Promise.all([
        t2v(["timeseries.h5", "-o", "velocity.h5", "--save-res"], dir, env),
        t2v(
          [
            "timeseries.h5",
            "-o",
            "vpoly.h5",
            "--polyline",
            "20180518",
            "--save-res",
            "--res-file",
            "resid.h5",
          ],
          dir,
          env,
        ),
      ]);
      strictEqual(lin.code, 0, lin.stderr);
      strictEqual(poly.code, 0, poly.stderr);
      const tol = (name: string) => (name.endsWith("Std") ? 1e-6 : 1e-5);
      const cases = `${ref}/mexico-city/cases`;
      await compareFile(`${dir}/velocity.h5`, `${cases}/vel-linear/velocity.h5`, tol);
      await compareFile(
        `${dir}/timeseriesResidual.h5`,
        `${cases}/vel-linear/timeseriesResidual.h5`,
        tol,
      );
      await compareFile(`${dir}/vpoly.h5`, `${cases}/vel-polyline/velocity.h5`, tol);
      await compareFile(`${dir}/resid.h5`, `${cases}/vel-polyline/resid.h5`, tol);
      ok(!listDir(dir).some((f) => f.includes(".tmp")), listDir(dir).join(" "));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "bootstrap: seeded, the same in workers and blocks, statistically MintPy's",
  ignore: ref === null,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
    try {
      Deno.copyFileSync(`${ref}/mexico-city/timeseries.h5`, `${dir}/timeseries.h5`);
      const boot = ["timeseries.h5", "--uq", "bootstrap", "--bc", "400", "--seed", "11"];
      const [one, pool] = await Promise.all([
        t2v([...boot, "-o", "one.h5", "--workers", "1"], dir),
        t2v([...boot, "-o", "pool.h5", "--workers", "2"], dir, { VINSAR_MAX_BLOCK_ROWS: "9" }),
      ]);
      strictEqual(one.code, 0, one.stderr);
      strictEqual(pool.code, 0, pool.stderr);
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
      Deno.copyFileSync(`${ref}/mexico-city/timeseries.h5`, `${dir}/timeseries.h5`);
      const args = ["timeseries.h5", "--periodic", "1", "--save-res"];
      const [one, pool] = await Promise.all([
        t2v([...args, "-o", "one.h5", "--res-file", "one_res.h5", "--workers", "1"], dir),
        t2v(
          [...args, "-o", "pool.h5", "--res-file", "pool_res.h5", "--workers", "2"],
          dir,
          { VINSAR_MAX_BLOCK_ROWS: "7", VINSAR_LOG: "debug" },
        ),
      ]);
      strictEqual(one.code, 0, one.stderr);
      strictEqual(pool.code, 0, pool.stderr);
      ok(pool.stderr.includes("1 worker"), "the fit ran in one worker");
      for (const [x, y] of [["one.h5", "pool.h5"], ["one_res.h5", "pool_res.h5"]]) {
        const a = await H5Reader.open(`${dir}/${x}`), b = await H5Reader.open(`${dir}/${y}`);
        try {
          deepStrictEqual(a.datasets().sort(), b.datasets().sort());
          for (const name of a.datasets()) {
            if (name === "date") deepStrictEqual(a.readStrings(name), b.readStrings(name));
            else deepStrictEqual(a.read(name), b.read(name), name);
          }
        } finally {
          a.close();
          b.close();
        }
      }
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
async function synthetic(path: string, fileType = "timeseries"): Promise<void> {
  const L = 4, W = 5, n = DATES.length;
  const w = await H5Writer.create(path);
  w.setAttrs({
    FILE_TYPE: fileType,
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
    const runs = await Promise.all(
      ["cov_var", "cov_full"].map((c) =>
        t2v(
          ["timeseries.h5", "--uq", "covariance", "--ts-cov-file", `${c}.h5`, "-o", `${c}_v.h5`],
          dir,
        )
      ),
    );
    for (const r of runs) strictEqual(r.code, 0, r.stderr);
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
    const r = await t2v(["timeseries.h5", "--save-res"], dir);
    strictEqual(r.code, 0, r.stderr);
    ok(/1 pixels have no data \(NaN\) on some dates/.test(r.stderr), r.stderr);
    ok(/1 pixels have data on 2 or fewer dates/.test(r.stderr), r.stderr);
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
    const ex = await t2v(["timeseries.h5", "--save-res", "--ex", DATES[1]!, "-o", "v_ex.h5"], dir);
    strictEqual(ex.code, 0, ex.stderr);
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

/** Run the command in this process; the error it throws, if any. */
async function runInProcess(args: string[]): Promise<Error | null> {
  registerBackend(tsBackend);
  try {
    await command.run([...args, "-q"]);
    return null;
  } catch (e) {
    return e as Error;
  }
}

Deno.test("bad inputs: one-line InputError/H5Error naming the culprit, no output left", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
  try {
    const ts = `${dir}/timeseries.h5`, out = ["-o", `${dir}/velocity.h5`];
    await synthetic(ts);
    await synthetic(`${dir}/mask.h5`, "mask");
    Deno.writeTextFileSync(`${dir}/notes.txt`, "not an HDF5 file\n");
    const before = listDir(dir);
    const cases: Array<[string[], RegExp]> = [
      [[`${dir}/missing.h5`], /missing\.h5: file not found/],
      [[`${dir}/notes.txt`], /notes\.txt: cannot open as HDF5/],
      [[`${dir}/mask.h5`], /mask\.h5: input is a mask file, NOT timeseries/],
      [[ts, "--no-such-flag"], /unknown flag --no-such-flag/],
      [[ts, "--ex", "2020-02-30"], /--ex: "2020-02-30" is not a valid calendar date/],
      [[ts, "--ex", "20200102"], /--ex: 20200102 is not a date of the time-series/],
      [[ts, "--ex", `${dir}/gone.txt`], /--ex: .*gone\.txt: file not found/],
      [[ts, "--start-date", "2020x"], /--start-date: "2020x" is not a date/],
      [[ts, "--ref-date", "20201301"], /--ref-date: "20201301" is not a valid/],
      [[ts, "--ref-date", "20200102"], /--ref-date: 20200102 is not a date of/],
      [[ts, "--step", "2020013"], /--step\/--polyline: "2020013" is not a date/],
      [[ts, "--step", "20210101"], /--step: date 20210101 is outside the dates used/],
      [[ts, "--exp", "20200201"], /--exp: needs an onset date and at least one/],
      [[ts, "--polynomial", "1.5"], /--polynomial: "1.5" is not a whole number/],
      [[ts, "--uq", "jackknife"], /--uq: invalid choice "jackknife"/],
      [[ts, "--uq", "bootstrap", "--periodic", "1"], /bootstrap supports a linear/],
      [[ts, "--ts-cov-file", `${dir}/nocov.h5`, "--uq", "covariance"], /nocov\.h5: file not found/],
      [[ts, "--ref-yx", "9", "1"], /reference point \(y, x\) = \(9, 1\) is outside/],
      [[ts, "--ref-lalo", "19.4", "-99.1"], /--ref-lalo: .* is not geocoded/],
      [[ts, "--start-date", "20210101"], /no date left/],
      [[ts, "--end-date", "20200113"], /2 dates used but the model has 2 parameters/],
      [
        [ts, "-o", `${dir}/no/such/dir/velocity.h5`],
        /no\/such\/dir\/velocity\.h5: cannot write output/,
      ],
    ];
    for (const [args, re] of cases) {
      const e = await runInProcess(args.includes("-o") ? args : [...args, ...out]);
      ok(e !== null, `${args.join(" ")}: no error`);
      ok(e.name === "InputError" || e.name === "H5Error", `${args.join(" ")}: ${e.stack}`);
      strictEqual(e.message.split("\n").length, 1, e.message);
      ok(re.test(e.message), e.message);
      deepStrictEqual(listDir(dir), before, `${args.join(" ")} left files`);
    }
    // Through the CLI: the same errors exit with code 2 and one line on stderr.
    const [missing, flag] = await Promise.all([
      t2v(["missing.h5"], dir),
      t2v(["timeseries.h5", "--ex", "20200102"], dir),
    ]);
    for (const r of [missing, flag]) {
      strictEqual(r.code, 2, r.stderr);
      strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    ok(/^vinsar timeseries2velocity: .*missing\.h5: file not found/.test(missing.stderr));
    deepStrictEqual(listDir(dir), before);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
