import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { log, registerBackend } from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { wasmBackend } from "@vinsar/backend-wasm";
import { calibrationCachePath, chooseBackend, machineId, runtimeId } from "./backend_choice.ts";
import { makeContext } from "./context.ts";
import { referenceDir } from "./test_reference.ts";

registerBackend(tsBackend);
registerBackend(wasmBackend);

/** Run `f` capturing log lines at info level and above. */
async function captureLog<T>(f: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const old = log.setSink((_lvl, line) => lines.push(line));
  const level = log.getLevel();
  log.setLevel("info");
  try {
    return { value: await f(), lines };
  } finally {
    log.setSink(old);
    log.setLevel(level);
  }
}

Deno.test("auto calibrates once, caches per machine/runtime/kernels/shape, then reuses", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cache = `${dir}/sub/calibration.json`;
    const shape = { kind: "inversion", numDates: 15, numObs: 40, lanes: 64 } as const;
    const first = await captureLog(() => chooseBackend(shape, 4e9, cache));
    const line1 = first.lines.find((l) => l.startsWith("backend auto:"))!;
    ok(
      /calibrated in \d+ ms on inversion:15d:40k:64l: (wasm|ts) \S+ pixels\/s, (wasm|ts) /.test(
        line1,
      ),
      line1,
    );
    ok(line1.startsWith(`backend auto: ${first.value.name} `));
    const file = JSON.parse(await Deno.readTextFile(cache));
    const keys = Object.keys(file.entries);
    strictEqual(keys.length, 1);
    ok(keys[0]!.includes(runtimeId()) && keys[0]!.includes(machineId()), keys[0]);
    ok(/wasm@[0-9a-f]{16}/.test(keys[0]!), "the key holds the wasm kernels' hash");

    const second = await captureLog(() => chooseBackend(shape, 4e9, cache));
    strictEqual(second.value.name, first.value.name);
    ok(
      second.lines.some((l) => l.includes(`(calibration of ${file.entries[keys[0]!].at}`)),
      second.lines.join("\n"),
    );

    // Another shape is measured separately.
    await chooseBackend({ kind: "gemm", m: 2, n: 4096, k: 30 }, 4e9, cache);
    strictEqual(Object.keys(JSON.parse(await Deno.readTextFile(cache)).entries).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a corrupt or unwritable cache never fails the run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/c.json`, "{not json");
    const s = await chooseBackend({ kind: "gemm", m: 2, n: 256, k: 8 }, 4e9, `${dir}/c.json`);
    ok(s.name === "ts" || s.name === "wasm");
    // A cache path below a regular file cannot be created, even by root.
    await chooseBackend({ kind: "gemm", m: 2, n: 256, k: 8 }, 4e9, `${dir}/c.json/x/c.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the cache lives under XDG_CACHE_HOME, else ~/.cache; 'off' disables it", () => {
  const saved = ["VINSAR_CALIBRATION_CACHE", "XDG_CACHE_HOME", "HOME"].map((k) =>
    [k, Deno.env.get(k)] as const
  );
  try {
    Deno.env.delete("VINSAR_CALIBRATION_CACHE");
    Deno.env.set("XDG_CACHE_HOME", "/x/cache");
    strictEqual(calibrationCachePath(), "/x/cache/vinsar/calibration.json");
    Deno.env.delete("XDG_CACHE_HOME");
    Deno.env.set("HOME", "/home/u");
    strictEqual(calibrationCachePath(), "/home/u/.cache/vinsar/calibration.json");
    Deno.env.set("VINSAR_CALIBRATION_CACHE", "off");
    strictEqual(calibrationCachePath(), null);
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
});

Deno.test("makeContext: named backends as before; auto with a probe calibrates", async () => {
  const dir = await Deno.makeTempDir();
  const saved = Deno.env.get("VINSAR_CALIBRATION_CACHE");
  try {
    Deno.env.set("VINSAR_CALIBRATION_CACHE", `${dir}/c.json`);
    strictEqual((await makeContext({ _: [], backend: "ts", quiet: true })).solver.name, "ts");
    strictEqual((await makeContext({ _: [], backend: "wasm", quiet: true })).solver.name, "wasm");
    const { lines } = await captureLog(() =>
      makeContext({ _: [], backend: "auto" }, { kind: "gemm", m: 3, n: 1000, k: 20 })
    );
    ok(lines.some((l) => l.startsWith("backend auto: ")), lines.join("\n"));
    ok((await Deno.stat(`${dir}/c.json`)).isFile);
  } finally {
    saved === undefined
      ? Deno.env.delete("VINSAR_CALIBRATION_CACHE")
      : Deno.env.set("VINSAR_CALIBRATION_CACHE", saved);
    log.setLevel("info");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--backend auto: every command with a hot kernel calibrates on its shape and caches", async (t) => {
  const ref = referenceDir();
  if (!ref) return;
  const dir = await Deno.makeTempDir({ prefix: "vinsar-auto-" });
  const cli = new URL("./main.ts", import.meta.url).pathname;
  const cacheFile = `${dir}/xdg/vinsar/calibration.json`;
  /** Run the CLI at info level with the cache under `dir/xdg`; the "backend auto:" lines. */
  const run = async (args: string[]): Promise<string[]> => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, ...args],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
      // An empty VINSAR_CALIBRATION_CACHE counts as unset: XDG_CACHE_HOME decides.
      env: { NO_COLOR: "1", XDG_CACHE_HOME: `${dir}/xdg`, VINSAR_CALIBRATION_CACHE: "" },
    }).output();
    const stderr = new TextDecoder().decode(r.stderr);
    strictEqual(r.code, 0, stderr);
    return stderr.split("\n").filter((l) => l.includes("backend auto: "));
  };
  const entries = async (): Promise<string[]> =>
    Object.keys(JSON.parse(await Deno.readTextFile(cacheFile)).entries);
  try {
    Deno.mkdirSync(`${dir}/inputs`);
    Deno.copyFileSync(`${ref}/mexico-city/inputs/ifgramStack.h5`, `${dir}/inputs/ifgramStack.h5`);
    Deno.copyFileSync(`${ref}/mexico-city/timeseries.h5`, `${dir}/timeseries.h5`);
    const measured =
      /^(?:.*\s)?backend auto: (ts|wasm) \(calibrated in \d+ ms on (\S+): (ts|wasm) \S+ (?:pixels|flop|runs)\/s, (ts|wasm) /;

    await t.step("ifgram_inversion: the network's inversion", async () => {
      const lines = await run(["ifgram_inversion", "inputs/ifgramStack.h5", "-w", "no"]);
      strictEqual(lines.length, 1, lines.join("\n"));
      const m = measured.exec(lines[0]!);
      ok(m, lines[0]);
      ok(/^inversion:\d+d:\d+k:128l:[0-9a-f]+$/.test(m[2]!), m[2]);
      deepStrictEqual((await entries()).length, 1);
      // The same network again: the cached rates, no measurement.
      const again = await run(["ifgram_inversion", "inputs/ifgramStack.h5", "-w", "no"]);
      ok(
        again.length === 1 && again[0]!.includes(`backend auto: ${m[1]} (calibration of `),
        again[0],
      );
      deepStrictEqual((await entries()).length, 1);
    });
    await t.step("timeseries2velocity: the fused fit; bootstrap: the fit's GEMMs", async () => {
      let lines = await run(["timeseries2velocity", "timeseries.h5", "-o", "velocity.h5"]);
      let m = measured.exec(lines[0] ?? "");
      ok(m, lines.join("\n"));
      ok(/^seriesFit:\d+d:2p$/.test(m[2]!), m[2]);
      deepStrictEqual((await entries()).length, 2);
      const boot = ["--uq", "bootstrap", "--bc", "20", "--seed", "1", "-o", "boot.h5"];
      lines = await run(["timeseries2velocity", "timeseries.h5", ...boot]);
      m = measured.exec(lines[0] ?? "");
      ok(m, lines.join("\n"));
      ok(/^gemm:2x\d+x\d+\+gemm:\d+x\d+x2$/.test(m[2]!), m[2]);
      deepStrictEqual((await entries()).length, 3);
    });
    await t.step("timeseries_rms: the ramp fit's row sums; no ramp, no calibration", async () => {
      const lines = await run(["timeseries_rms", "timeseries.h5", "-r", "quadratic"]);
      const m = measured.exec(lines[0] ?? "");
      ok(m, lines.join("\n"));
      // Quadratic: 3 column powers (1, u, u^2) and 5 moment powers, one sub-sampling step.
      ok(/^ramp:\d+w:3s:5b$/.test(m[2]!), m[2]);
      deepStrictEqual((await entries()).length, 4);
      deepStrictEqual(await run(["timeseries_rms", "timeseries.h5", "-r", "no"]), []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
