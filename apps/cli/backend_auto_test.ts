import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { referenceDir } from "./test_reference.ts";

Deno.test("--backend auto: every command with a hot kernel calibrates on its shape and caches", async (t) => {
  const ref = referenceDir();
  if (!ref) return;
  const dir = await Deno.makeTempDir({ prefix: "vinsar-auto-" });
  const cli = new URL("./main.ts", import.meta.url).pathname;
  const cacheFile = `${dir}/xdg/vinsar/calibration.json`;
  /**
   * Run the CLI at info level with the cache under `dir/xdg`; the "backend auto:" lines (info
   * lines: on stdout).
   */
  const run = async (args: string[]): Promise<string[]> => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      // An empty VINSAR_CALIBRATION_CACHE counts as unset: XDG_CACHE_HOME decides.
      env: { NO_COLOR: "1", XDG_CACHE_HOME: `${dir}/xdg`, VINSAR_CALIBRATION_CACHE: "" },
    }).output();
    const stdout = new TextDecoder().decode(r.stdout);
    const stderr = new TextDecoder().decode(r.stderr);
    strictEqual(r.code, 0, stderr);
    ok(!stderr.includes("backend auto: "), stderr);
    return stdout.split("\n").filter((l) => l.includes("backend auto: "));
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
