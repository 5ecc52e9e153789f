import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader } from "@vinsar/hdf5";
import { listDir, runCli } from "../test_reference.ts";

const SIZE = ["--length", "30", "--width", "40"];

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-simulate-" });
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function readAll(path: string, names: string[]): Promise<Record<string, number[]>> {
  const r = await H5Reader.open(path);
  try {
    return Object.fromEntries(names.map((n) => [n, Array.from(r.read(n))]));
  } finally {
    r.close();
  }
}

Deno.test("simulate writes ifgramStack.h5 and truth.h5, the same for the same seed", async () => {
  await inTempDir(async (dir) => {
    const args = [
      "simulate",
      ...SIZE,
      "--dates",
      "12",
      "--seed",
      "5",
      "--lzf-cc",
      "--annual-pairs",
    ];
    let r = await runCli(args, dir);
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(listDir(dir), ["ifgramStack.h5", "truth.h5"]);
    const names = ["unwrapPhase", "coherence", "connectComponent", "dropIfgram"];
    const first = await readAll(`${dir}/ifgramStack.h5`, names);
    Deno.mkdirSync(`${dir}/again`);
    r = await runCli([
      ...args,
      "--out",
      "again/stack.h5",
      "--truth",
      "again/t.h5",
      "--max-memory",
      "0.0001",
    ], dir);
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(await readAll(`${dir}/again/stack.h5`, names), first);
  });
});

Deno.test("simulate: bad flags exit 2 with a one-line message and no output", async () => {
  await inTempDir(async (dir) => {
    for (
      const [args, flag] of [
        [["--dates", "1"], "--dates"],
        [["--start-date", "20150231"], "--start-date"],
        [["--unwrap-errors", "2"], "--unwrap-errors"],
        [["--pixels", "-5"], "--pixels"],
        [["--wavelength", "0"], "--wavelength"],
        [["--bogus"], "--bogus"],
      ] as const
    ) {
      const r = await runCli(["simulate", ...SIZE, ...args], dir);
      strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      ok(r.stderr.includes(flag), `${args.join(" ")}: ${r.stderr}`);
      strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    deepStrictEqual(listDir(dir), []);
  });
});

Deno.test("noise-free stack through ifgram_inversion gives the truth back", async () => {
  await inTempDir(async (dir) => {
    let r = await runCli(
      ["simulate", ...SIZE, "--dates", "15", "--seed", "3", "--noise-free"],
      dir,
    );
    strictEqual(r.code, 0, r.stderr);
    r = await runCli(["ifgram_inversion", "ifgramStack.h5", "-w", "no"], dir);
    strictEqual(r.code, 0, r.stderr);
    const ts = await readAll(`${dir}/timeseries.h5`, ["timeseries"]);
    const truth = await readAll(`${dir}/truth.h5`, [
      "timeseries",
      "waterMask",
      "disconnectedPatch",
    ]);
    const P = 30 * 40;
    let checked = 0;
    for (let p = 0; p < P; p++) {
      // Water has no data; the disconnected patch gets MintPy's min-norm answer instead.
      if (!truth.waterMask![p] || truth.disconnectedPatch![p]) continue;
      for (let n = 0; n < 15; n++) {
        const i = n * P + p;
        ok(Math.abs(ts.timeseries![i]! - truth.timeseries![i]!) < 1e-6, `pixel ${p} date ${n}`);
      }
      checked++;
    }
    ok(checked > 0.8 * P, `${checked} pixels compared`);
  });
});

Deno.test("noise-free --timeseries-only through timeseries2velocity gives the true velocity and step", async () => {
  await inTempDir(async (dir) => {
    let r = await runCli([
      "simulate",
      ...SIZE,
      "--dates",
      "30",
      "--timeseries-only",
      "--noise-free",
    ], dir);
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(listDir(dir), ["timeseries.h5", "truth.h5"]);
    const t = await H5Reader.open(`${dir}/truth.h5`);
    const stepName = t.datasets().find((n) => n.startsWith("step"))!;
    t.close();
    r = await runCli(
      [
        "timeseries2velocity",
        "timeseries.h5",
        "--step",
        stepName.slice(4),
        "--periodic",
        "1",
        "-o",
        "velocity.h5",
      ],
      dir,
    );
    strictEqual(r.code, 0, r.stderr);
    const names = ["velocity", stepName, "annualAmplitude"];
    const fit = await readAll(`${dir}/velocity.h5`, names);
    const truth = await readAll(`${dir}/truth.h5`, [...names, "waterMask"]);
    for (const name of names) {
      for (let p = 0; p < 30 * 40; p++) {
        if (!truth.waterMask![p]) continue;
        ok(
          Math.abs(fit[name]![p]! - truth[name]![p]!) < 2e-5,
          `${name} at pixel ${p}: ${fit[name]![p]} vs ${truth[name]![p]}`,
        );
      }
    }
  });
});
