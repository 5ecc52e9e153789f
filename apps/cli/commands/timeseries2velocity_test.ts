import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { registerBackend } from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { listDir, referenceDir } from "@vinsar/steps/testing";
import { command } from "./timeseries2velocity.ts";
import { KEY_ATTRIBUTES } from "../../validate/compare.ts";
import { cliStderr } from "../test_reference.ts";

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
  return { code: out.code, stderr: cliStderr(out.stderr) };
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
        // Default names (velocity.h5, timeseriesResidual.h5) in the working folder, as MintPy.
        t2v(["timeseries.h5", "--save-res"], dir, env),
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

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];

/**
 * A small 4 x 5 file of `fileType` (not geocoded) over {@link DATES}: linear motion, the
 * library tests' fixture (packages/steps/timeseries2velocity/mod_test.ts) without its NaN.
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
  });
  w.writeWhole("date", DATES);
  const data = Float32Array.from({ length: n * L * W }, (_, k) => 1e-3 * Math.floor(k / (L * W)));
  w.create("timeseries", [n, L, W], "<f");
  w.write("timeseries", [[0, n]], data);
  w.commit();
}

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
    Deno.writeTextFileSync(`${dir}/neg.cfg`, "mintpy.timeFunc.bootstrapCount = -20\n");
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
      [[ts, "--bc", "-5"], /^flag --bootstrap-count: -5 must be a whole number >= 0$/],
      [[ts, "--uq", "bootstrap", "--bootstrap-c=-1"], /--bootstrap-count: -1 must be a whole/],
      [
        [ts, "-t", `${dir}/neg.cfg`],
        /^template mintpy\.timeFunc\.bootstrapCount: -20 must be a whole number >= 0$/,
      ],
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
