import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { H5Writer } from "@vinsar/hdf5";
import { type CaseResult, lastErrorLine, runSuite } from "./harness.ts";
import { formatCase, formatSummary } from "./report.ts";
import type { CommandRunner, RunRequest } from "./runner.ts";

const L = 4;
const W = 5;
const ATTRS = { FILE_TYPE: "velocity", UNIT: "m/year", LENGTH: String(L), WIDTH: String(W) };
const RMS = "# Date\tRMS (m)\n20200101\t0.012\n20200113\t0.034\n";

function velocity(): Float32Array {
  return Float32Array.from({ length: L * W }, (_, i) => 0.001 * i - 0.005);
}

async function writeVelocity(path: string, v: Float32Array, attrs = ATTRS): Promise<void> {
  const w = await H5Writer.create(path);
  w.setAttrs(attrs);
  w.writeWhole("velocity", v, { shape: [L, W] });
  w.writeWhole("velocityStd", new Float32Array(L * W).fill(0.002), { shape: [L, W] });
  w.commit();
}

/** A fake suite: one dataset, cases whose fake CLI writes good, bad or no outputs. */
async function makeSuite(): Promise<string> {
  const suite = await Deno.makeTempDir({ prefix: "vinsar-fake-suite-" });
  const ds = join(suite, "fake");
  await Deno.mkdir(join(ds, "in"), { recursive: true });
  await Deno.writeTextFile(join(ds, "in", "data.txt"), "input");
  const mk = (name: string, mode: string, extra: Record<string, unknown> = {}) => ({
    name,
    mintpy_script: "fake_tool.py",
    args: ["in/data.txt", "--mode", mode],
    inputs: ["in/data.txt"],
    outputs: ["velocity.h5", "rms_velocity.txt", "exclude_date.txt?"],
    mintpy_wall_s: 2,
    mintpy_peak_rss_mb: 200,
    note: "",
    compare: {},
    ...extra,
  });
  const cases = [
    mk("good", "good"),
    mk("bad-values", "bad"),
    mk("bad-attr", "badattr"),
    mk("extra-file", "extra"),
    mk("crash", "crash"),
    mk("no-output", "none"),
    mk("not-implemented", "good", { mintpy_script: "other_tool.py" }),
    mk("odd-hint", "good", { compare: { fuzzy: true } }),
    mk("skip-hint", "bad", { compare: { skip: ["velocity"] } }),
    mk("boot", "good", { compare: { statistical: true } }),
  ];
  await Deno.writeTextFile(join(ds, "cases.json"), JSON.stringify({ cases }));
  for (const c of cases) {
    const dir = join(ds, "cases", c.name);
    await Deno.mkdir(dir, { recursive: true });
    await writeVelocity(join(dir, "velocity.h5"), velocity());
    await Deno.writeTextFile(join(dir, "rms_velocity.txt"), RMS);
  }
  return suite;
}

/** The fake CLI: writes MintPy's outputs exactly, or broken ones, by `--mode`. */
function fakeRunner(seen: RunRequest[]): CommandRunner {
  return async (req) => {
    seen.push(req);
    const done = (code: number, stderr = "") => ({ code, stdout: "", stderr, wallS: 0.5 });
    try {
      await Deno.stat(join(req.cwd, "in", "data.txt"));
    } catch {
      return done(3, "input not copied");
    }
    const mode = req.args[req.args.indexOf("--mode") + 1];
    if (mode === "crash") return done(2, "progress...\nvinsar fake_tool: in/data.txt: bad input");
    if (mode === "none") return done(0);
    const v = velocity();
    if (mode === "bad") v[7] = v[7]! + 0.01;
    const attrs = mode === "badattr" ? { ...ATTRS, UNIT: "mm/year" } : ATTRS;
    await writeVelocity(join(req.cwd, "velocity.h5"), v, attrs);
    await Deno.writeTextFile(join(req.cwd, "rms_velocity.txt"), RMS);
    if (mode === "extra") await Deno.writeTextFile(join(req.cwd, "exclude_date.txt"), "20200113\n");
    return done(0);
  };
}

const byName = (results: CaseResult[]) => Object.fromEntries(results.map((r) => [r.caseName, r]));

Deno.test("harness: matching outputs PASS, mismatching ones FAIL, missing commands SKIP", async () => {
  const suite = await makeSuite();
  try {
    const seen: RunRequest[] = [];
    const results = await runSuite(
      { suite, backend: "ts", workers: 2 },
      { runner: fakeRunner(seen), isImplemented: (c) => c === "fake_tool" },
    );
    const r = byName(results);
    const status = Object.fromEntries(results.map((x) => [x.caseName, x.status]));
    deepStrictEqual(status, {
      "good": "PASS",
      "bad-values": "FAIL",
      "bad-attr": "FAIL",
      "extra-file": "FAIL",
      "crash": "FAIL",
      "no-output": "FAIL",
      "not-implemented": "SKIP",
      "odd-hint": "FAIL",
      "skip-hint": "PASS",
      "boot": "PASS",
    });
    const badValues = r["bad-values"]!.verdicts.find((v) => !v.passed)!;
    strictEqual(badValues.what, "velocity.h5:velocity");
    ok(badValues.message.includes("worst [1,2]"), badValues.message);
    ok(r["bad-attr"]!.verdicts.some((v) => !v.passed && v.message.includes("UNIT")));
    ok(r["extra-file"]!.verdicts.some((v) => !v.passed && v.what === "exclude_date.txt"));
    ok(r["good"]!.verdicts.some((v) => v.passed && v.message.includes("absent, like MintPy")));
    strictEqual(r["crash"]!.reason, "exit 2: vinsar fake_tool: in/data.txt: bad input");
    ok(r["no-output"]!.verdicts.some((v) => v.message === "not written by vinsar"));
    ok(r["not-implemented"]!.reason?.includes("not implemented"));
    ok(r["odd-hint"]!.reason?.includes(`unknown compare hint "fuzzy"`));
    // The CLI ran in a scratch folder with the case's flags plus the pass-through ones.
    deepStrictEqual(seen[0]!.args, [
      "in/data.txt",
      "--mode",
      "good",
      "--backend",
      "ts",
      "--workers",
      "2",
    ]);
    strictEqual(seen[0]!.command, "fake_tool");
    strictEqual(seen.length, 8, "neither the skipped nor the invalid case ran");
    // A bootstrap case runs with a fixed seed (reproducible), unless its flags give one.
    const boot = seen.find((x) => x.args.includes("good") && x.args.includes("--seed"))!;
    deepStrictEqual(boot.args.slice(3, 5), ["--seed", "1"]);
    strictEqual(seen.filter((x) => x.args.includes("--seed")).length, 1);
    // Scratch folders are removed unless --keep.
    for (const s of seen) ok(!(await exists(s.cwd)), s.cwd);

    const lines = formatSummary(results);
    strictEqual(lines[lines.length - 1], "3 passed, 6 failed, 1 skipped");
    const row = formatCase(r["bad-values"]!);
    ok(row[0]!.includes("FAIL") && !row[0]!.includes("x)"), "no speed-up for a failure");
    ok(formatCase(r["good"]!)[0]!.includes("0.50 s / 2.00 s (4.0x)"));
    ok(row.some((l) => l.includes("velocity.h5:velocity")));
  } finally {
    await Deno.remove(suite, { recursive: true });
  }
});

Deno.test("harness: selection by dataset and case prefix; --keep keeps the folder", async () => {
  const suite = await makeSuite();
  try {
    const seen: RunRequest[] = [];
    const results = await runSuite(
      { suite, datasets: ["fake"], cases: ["bad-v"], keep: true },
      { runner: fakeRunner(seen), isImplemented: () => true },
    );
    deepStrictEqual(results.map((r) => r.caseName), ["bad-values"]);
    strictEqual(results[0]!.workDir, seen[0]!.cwd);
    ok(await exists(join(seen[0]!.cwd, "velocity.h5")));
    await Deno.remove(seen[0]!.cwd, { recursive: true });
    let threw = false;
    await runSuite({ suite, datasets: ["nope"] }, {
      runner: fakeRunner([]),
      isImplemented: () => true,
    })
      .catch((e) => threw = /unknown dataset nope/.test(e.message));
    ok(threw);
  } finally {
    await Deno.remove(suite, { recursive: true });
  }
});

Deno.test("harness: a missing suite is skipped, or failed under CI", async () => {
  const deps = { runner: fakeRunner([]), isImplemented: () => true };
  const skipped = await runSuite({ suite: "/nonexistent/vinsar-suite" }, deps);
  deepStrictEqual(skipped.map((r) => r.status), ["SKIP"]);
  ok(skipped[0]!.reason?.includes("/nonexistent/vinsar-suite"));
  const failed = await runSuite({ suite: "/nonexistent/vinsar-suite", ci: true }, deps);
  deepStrictEqual(failed.map((r) => r.status), ["FAIL"]);
});

Deno.test("main: exit codes and the last line with a missing suite", async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main],
      env: { VINSAR_REFERENCE: "/nonexistent/vinsar-suite", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const lines = new TextDecoder().decode(out.stdout).trimEnd().split("\n");
    return { code: out.code, last: lines[lines.length - 1] };
  };
  deepStrictEqual(await run({ CI: "false" }), { code: 0, last: "0 passed, 0 failed, 1 skipped" });
  deepStrictEqual(await run({ CI: "true" }), { code: 1, last: "0 passed, 1 failed, 0 skipped" });
  const bad = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "--backend", "gpu"],
    stdout: "null",
    stderr: "null",
  }).output();
  strictEqual(bad.code, 2);
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("the reported stderr line skips stack frames", () => {
  strictEqual(
    lastErrorLine("progress\nvinsar x: internal error: Error: boom\n    at f (file:///a.ts:1:2)\n"),
    "vinsar x: internal error: Error: boom",
  );
  strictEqual(lastErrorLine("a\nb\n\n"), "b");
  strictEqual(lastErrorLine(""), "(no stderr)");
});
