import { ok, strictEqual } from "node:assert/strict";
import { log, registerBackend } from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { wasmBackend } from "@vinsar/backend-wasm";
import { calibrationCachePath, chooseBackend, machineId, runtimeId } from "./backend_choice.ts";
import { resolveResources } from "./context.ts";

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

Deno.test("resolveResources: named backends as before; auto with a probe calibrates", async () => {
  const dir = await Deno.makeTempDir();
  const saved = Deno.env.get("VINSAR_CALIBRATION_CACHE");
  try {
    Deno.env.set("VINSAR_CALIBRATION_CACHE", `${dir}/c.json`);
    strictEqual((await resolveResources({ backend: "ts" })).solver.name, "ts");
    strictEqual((await resolveResources({ backend: "wasm" })).solver.name, "wasm");
    const { lines } = await captureLog(() =>
      resolveResources({ backend: "auto" }, { kind: "gemm", m: 3, n: 1000, k: 20 })
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
