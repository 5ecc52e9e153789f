import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import type { writeTestStack } from "@vinsar/hdf5/testing";
import {
  expectInversionError,
  listDir,
  referenceDir,
  runCli,
  scratchStack,
} from "../test_reference.ts";

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

Deno.test("bad input: one-line error, exit 2, no output left", async () => {
  const dirs: string[] = [];
  const make = async (opts: Parameters<typeof writeTestStack>[1] = {}) => {
    const d = await scratchStack(opts);
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
      expectInversionError(noRef, [], /REF_Y\/REF_X/),
      expectInversionError(ok1, ["-i", "unwrapPhase_bridging"], /unwrapPhase_bridging.*not found/),
      expectInversionError(ok1, ["--mask-dset", "offsetSNR"], /mask-dset.*offsetSNR.*not found/),
      expectInversionError(ok1, ["--mask-dset", "shadow"], /mask-dset.*shadow/),
      expectInversionError(ok1, ["-w", "sbas"], /-w.*invalid choice "sbas"/),
      expectInversionError(ok1, ["-m", "waterMask.h5"], /waterMask\.h5.*size 3 x 3 differs/),
      expectInversionError(ok1, ["-o", "a.h5", "b.h5"], /flag -o needs 3 values/),
      expectInversionError(ok1, ["--calc-cov"], /--calc-cov/),
      expectInversionError(ok1, ["--mask-thres", "abc"], /--mask-thres.*not a number/),
      expectInversionError(ok1, ["--ref-date", "20201301"], /--ref-date/),
      expectInversionError(wrongType, [], /timeseries file, support ifgramStack file only/),
      expectInversionError(truncated, [], /ifgramStack\.h5/),
    ]);
  } finally {
    for (const d of dirs) Deno.removeSync(d, { recursive: true });
  }
});

Deno.test("--skip-ref runs without REF_Y/REF_X; --update skips a second identical run", async () => {
  const dir = await scratchStack({ attrs: { REF_Y: undefined, REF_X: undefined } });
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
