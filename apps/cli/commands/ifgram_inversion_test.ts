import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import { writeTestStack } from "@vinsar/hdf5/testing";
import { listDir, referenceDir, runCli } from "../test_reference.ts";

const ref = referenceDir();

/** Compare one of our outputs with MintPy's: attributes, shapes, dtypes and values. */
async function compareFile(mine: string, theirs: string, tol: number): Promise<void> {
  const a = await H5Reader.open(mine), b = await H5Reader.open(theirs);
  try {
    // Every attribute MintPy writes, with the same value (config keys in Python's str()).
    deepStrictEqual(a.attrs(), b.attrs(), `${mine}: attributes`);
    deepStrictEqual(a.datasets().sort(), b.datasets().sort());
    for (const name of b.datasets()) {
      const ib = b.info(name), ia = a.info(name);
      deepStrictEqual(ia.shape, ib.shape, `${mine}: ${name} shape`);
      if (/^[SA]\d+$/.test(ib.dtype)) {
        // Fixed-length byte strings (h5wasm writes them space-padded UTF-8, numpy
        // null-padded ASCII: h5py reads both as |S8).
        strictEqual(ia.dtype.slice(1), ib.dtype.slice(1), `${mine}: ${name} length`);
        deepStrictEqual(a.readStrings(name), b.readStrings(name));
        continue;
      }
      strictEqual(ia.dtype, ib.dtype, `${mine}: ${name} dtype`);
      const x = a.read(name), y = b.read(name);
      let worst = 0;
      for (let i = 0; i < y.length; i++) {
        strictEqual(Number.isNaN(x[i]!), Number.isNaN(y[i]!), `${mine}: ${name}[${i}] NaN`);
        if (!Number.isNaN(y[i]!)) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
      }
      ok(worst <= tol, `${mine}: ${name} differs from MintPy by ${worst} (tolerance ${tol})`);
    }
  } finally {
    a.close();
    b.close();
  }
}

/**
 * Run one reference case of mexico-city and compare all three outputs with MintPy's.
 * @param maxBlockRows Rows per block (VINSAR_MAX_BLOCK_ROWS), to run many blocks.
 */
async function mexicoCase(name: string, args: string[], maxBlockRows?: number): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-" });
  try {
    Deno.mkdirSync(`${dir}/inputs`);
    Deno.copyFileSync(`${ref}/mexico-city/inputs/ifgramStack.h5`, `${dir}/inputs/ifgramStack.h5`);
    const cli = new URL("../main.ts", import.meta.url).pathname;
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, "ifgram_inversion", "inputs/ifgramStack.h5", ...args, "-q"],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
      env: maxBlockRows ? { VINSAR_MAX_BLOCK_ROWS: String(maxBlockRows) } : {},
    }).output();
    strictEqual(r.code, 0, new TextDecoder().decode(r.stderr));
    const theirs = `${ref}/mexico-city/cases/${name}`;
    // The float64 least-squares solution is within 3e-7 m of MintPy's float32 one.
    await compareFile(`${dir}/timeseries.h5`, `${theirs}/timeseries.h5`, 1e-6);
    await compareFile(`${dir}/temporalCoherence.h5`, `${theirs}/temporalCoherence.h5`, 1e-5);
    await compareFile(`${dir}/numInvIfgram.h5`, `${theirs}/numInvIfgram.h5`, 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test({
  name: "mexico-city: -w var, -w fim --min-norm-phase, -w coh with a coherence mask match MintPy",
  ignore: ref === null,
  fn: async () => {
    await Promise.all([
      mexicoCase("inv-var", ["-w", "var"]),
      mexicoCase("inv-fim-phase", ["-w", "fim", "--min-norm-phase"]),
      mexicoCase("inv-coh-mask", ["-w", "coh", "--mask-dset", "coherence", "--mask-thres", "0.4"]),
    ]);
  },
});

Deno.test({
  name: "mexico-city in 7-row blocks over 2 worker threads still matches MintPy",
  ignore: ref === null,
  fn: async () => {
    await mexicoCase("inv-no-cc", [
      "-w",
      "no",
      "--mask-dset",
      "connectComponent",
      "--min-redun",
      "2",
      "--workers",
      "2",
    ], 7);
    await mexicoCase("inv-var", ["-w", "var", "--workers", "2"], 7);
  },
});

/** A scratch folder with the small test stack (options as writeTestStack's). */
async function scratch(opts: Parameters<typeof writeTestStack>[1] = {}): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-err-" });
  Deno.mkdirSync(`${dir}/inputs`);
  await writeTestStack(`${dir}/inputs/ifgramStack.h5`, opts);
  return dir;
}

/** Expect exit code 2, a one-line message matching `pattern`, and no output left behind. */
async function expectInputError(dir: string, args: string[], pattern: RegExp): Promise<void> {
  const before = listDir(dir);
  const r = await runCli(["ifgram_inversion", "inputs/ifgramStack.h5", ...args], dir);
  strictEqual(r.code, 2, `${args.join(" ")}: exit code ${r.code}\n${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  strictEqual(lines.length, 1, `${args.join(" ")}: one line expected:\n${r.stderr}`);
  ok(pattern.test(lines[0]!), `${args.join(" ")}: "${lines[0]}" does not match ${pattern}`);
  deepStrictEqual(listDir(dir), before, `${args.join(" ")}: files left behind`);
  deepStrictEqual(listDir(`${dir}/inputs`).filter((f) => f !== "ifgramStack.h5"), []);
}

Deno.test("bad input: one-line error, exit 2, no output left", async () => {
  const dirs: string[] = [];
  const make = async (opts: Parameters<typeof writeTestStack>[1] = {}) => {
    const d = await scratch(opts);
    dirs.push(d);
    return d;
  };
  try {
    const ok1 = await make();
    // A water mask of another size.
    const w = await H5Writer.create(`${ok1}/waterMask.h5`);
    w.setAttrs({ FILE_TYPE: "mask", LENGTH: "3", WIDTH: "3" });
    w.writeWhole("mask", new Float32Array(9).fill(1), { shape: [3, 3] });
    w.commit();
    const noRef = await make({ attrs: { REF_Y: undefined, REF_X: undefined } });
    const wrongType = await make({ attrs: { FILE_TYPE: "timeseries" } });
    const truncated = await make();
    const full = Deno.readFileSync(`${truncated}/inputs/ifgramStack.h5`);
    Deno.writeFileSync(`${truncated}/inputs/ifgramStack.h5`, full.subarray(0, full.length >> 1));
    await Promise.all([
      expectInputError(noRef, [], /REF_Y\/REF_X/),
      expectInputError(ok1, ["-i", "unwrapPhase_bridging"], /unwrapPhase_bridging.*not found/),
      expectInputError(ok1, ["--mask-dset", "offsetSNR"], /mask-dset.*offsetSNR.*not found/),
      expectInputError(ok1, ["--mask-dset", "shadow"], /mask-dset.*shadow/),
      expectInputError(ok1, ["-w", "sbas"], /-w.*invalid choice "sbas"/),
      expectInputError(ok1, ["-m", "waterMask.h5"], /waterMask\.h5.*size 3 x 3 differs/),
      expectInputError(ok1, ["-o", "a.h5", "b.h5"], /flag -o needs 3 values/),
      expectInputError(ok1, ["--calc-cov"], /--calc-cov/),
      expectInputError(ok1, ["--mask-thres", "abc"], /--mask-thres.*not a number/),
      expectInputError(ok1, ["--ref-date", "20201301"], /--ref-date/),
      expectInputError(wrongType, [], /timeseries file, support ifgramStack file only/),
      expectInputError(truncated, [], /ifgramStack\.h5/),
    ]);
  } finally {
    for (const d of dirs) Deno.removeSync(d, { recursive: true });
  }
});

Deno.test("--skip-ref runs without REF_Y/REF_X; --update skips a second identical run", async () => {
  const dir = await scratch({ attrs: { REF_Y: undefined, REF_X: undefined } });
  try {
    const args = ["ifgram_inversion", "inputs/ifgramStack.h5", "--skip-ref", "-w", "no"];
    strictEqual((await runCli(args, dir)).code, 0);
    deepStrictEqual(listDir(dir), [
      "inputs",
      "numInvIfgram.h5",
      "temporalCoherence.h5",
      "timeseries.h5",
    ]);
    const t0 = Deno.statSync(`${dir}/timeseries.h5`).mtime!.getTime();
    await new Promise((r) => setTimeout(r, 20));
    strictEqual((await runCli([...args, "--update"], dir)).code, 0);
    strictEqual(Deno.statSync(`${dir}/timeseries.h5`).mtime!.getTime(), t0);
    // Another setting is not up to date.
    strictEqual((await runCli([...args.slice(0, -1), "coh", "--update"], dir)).code, 0);
    ok(Deno.statSync(`${dir}/timeseries.h5`).mtime!.getTime() > t0);
    const r = await H5Reader.open(`${dir}/timeseries.h5`);
    strictEqual(r.attrs()["mintpy.networkInversion.weightFunc"], "coh");
    strictEqual(r.attrs().REF_DATE, "20200101");
    r.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** The `mintpy.networkInversion.*` attributes of the time-series written in `dir`. */
async function configAttrs(dir: string): Promise<Record<string, string>> {
  const r = await H5Reader.open(`${dir}/timeseries.h5`);
  try {
    const a = r.attrs(), p = "mintpy.networkInversion.";
    return Object.fromEntries(
      Object.entries(a).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]),
    );
  } finally {
    r.close();
  }
}

Deno.test("-t: template keys apply, a flag given wins in any spelling", async () => {
  const dir = await scratch();
  try {
    Deno.writeTextFileSync(
      `${dir}/smallbaselineApp.cfg`,
      [
        "mintpy.compute.maxMemory = 0.5",
        "mintpy.networkInversion.weightFunc = no",
        "mintpy.networkInversion.maskDataset = coherence",
        "mintpy.networkInversion.maskThreshold = 0.45",
        "mintpy.networkInversion.minRedundancy = 2",
        "mintpy.networkInversion.minNormVelocity = auto",
      ].join("\n"),
    );
    const base = ["ifgram_inversion", "inputs/ifgramStack.h5", "-t", "smallbaselineApp.cfg"];
    const cases: Array<[string[], Record<string, string>]> = [
      [[], { weightFunc: "no", maskThreshold: "0.45", minRedundancy: "2.0" }],
      [["-w", "var", "--mt", "0.3"], { weightFunc: "var", maskThreshold: "0.3" }],
      [["--weight-func=coh", "--mask-threshold", "0.2"], {
        weightFunc: "coh",
        maskThreshold: "0.2",
      }],
      [["--mask-thr", "0.25", "--min-redun", "1"], { maskThreshold: "0.25", minRedundancy: "1.0" }],
      [["--md", "connectComponent"], { maskDataset: "connectComponent" }],
      [["--min-norm-phase"], { minNormVelocity: "False" }],
    ];
    for (const [flags, want] of cases) {
      const r = await runCli([...base, ...flags], dir);
      strictEqual(r.code, 0, `${flags.join(" ")}: ${r.stderr}`);
      const got = await configAttrs(dir);
      const expected = {
        weightFunc: "no",
        maskDataset: "coherence",
        maskThreshold: "0.45",
        minRedundancy: "2.0",
        minNormVelocity: "True",
        ...want,
      };
      for (const [k, v] of Object.entries(expected)) {
        strictEqual(got[k], v, `${flags.join(" ") || "(no flag)"}: ${k}`);
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--calc-cov writes timeseriesDecorCov.h5 referenced to mintpy.reference.date", async () => {
  const dir = await scratch();
  try {
    Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, "mintpy.reference.date = 20200113\n");
    const r = await runCli(["ifgram_inversion", "inputs/ifgramStack.h5", "--calc-cov"], dir);
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(listDir(dir), [
      "inputs",
      "numInvIfgram.h5",
      "smallbaselineApp.cfg",
      "temporalCoherence.h5",
      "timeseries.h5",
      "timeseriesDecorCov.h5",
    ]);
    const c = await H5Reader.open(`${dir}/timeseriesDecorCov.h5`);
    try {
      strictEqual(c.attrs().REF_DATE, "20200113");
      deepStrictEqual(c.info("timeseries").shape, [5, 5, 6, 7]);
    } finally {
      c.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("-t and --calc-cov: bad input is a one-line error and leaves no output", async () => {
  const dirs = await Promise.all([scratch(), scratch(), scratch()]);
  try {
    const [noCfg, badCfg, otherDate] = dirs as [string, string, string];
    Deno.writeTextFileSync(
      `${badCfg}/smallbaselineApp.cfg`,
      "mintpy.networkInversion.maskThreshold = abc\nmintpy.unwrapError.method = bridging\n",
    );
    Deno.writeTextFileSync(
      `${otherDate}/smallbaselineApp.cfg`,
      "mintpy.reference.date = 20190101\n",
    );
    await expectInputError(noCfg, ["-t", "none.cfg"], /-t\/--template: none\.cfg: file not found/);
    await expectInputError(
      noCfg,
      ["--calc-cov"],
      /smallbaselineApp\.cfg: file not found.*--calc-cov/,
    );
    await expectInputError(
      badCfg,
      ["-t", "smallbaselineApp.cfg"],
      /smallbaselineApp\.cfg: mintpy\.networkInversion\.maskThreshold = abc: not a number/,
    );
    // mintpy.unwrapError.method = bridging asks for unwrapPhase_bridging (not in the stack).
    await expectInputError(
      badCfg,
      ["-t", "smallbaselineApp.cfg", "--mt", "0.3"],
      /unwrapPhase_bridging.*not found/,
    );
    await expectInputError(otherDate, ["--calc-cov"], /reference date 20190101 .*is not a date/);
  } finally {
    for (const d of dirs) Deno.removeSync(d, { recursive: true });
  }
});
