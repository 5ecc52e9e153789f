/**
 * Fault-injection suite, disk and load part (issue 15, item 6).
 *
 *     deno run -A .ci/fault_disk_suite.ts [--pixels P] [--load-pixels P] [--keep]
 *
 * 1. **Disk full, per command.** For each of ifgram_inversion, timeseries2velocity --save-res and
 *    timeseries_rms: a tmpfs (mounted here; needs root, as CI runs) holds the command's inputs and
 *    its old outputs, with room for about a third of its new outputs. The command must exit 2
 *    with a last line naming the cause ("No space left on device"), leave every old output as it
 *    was, and leave no temporary, lock or partial file.
 * 2. **Unwritable places.** Each command with its working folder read-only (a read-only tmpfs),
 *    and with an output path that is a folder: a one-line error, no file left.
 * 3. **Load.** 4 chains (ifgram_inversion -> timeseries2velocity --save-res -> timeseries_rms) at
 *    once in separate folders, each with `--max-memory 0.5`: all finish, their outputs equal a
 *    chain run alone, and each command's peak RSS (GNU time) is reported against its budget.
 *
 * Ends with "N passed, N failed" and exits 1 on any failure.
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fingerprint, tryFingerprint } from "./fault_suite.ts";

const MAIN = fileURLToPath(new URL("../apps/cli/main.ts", import.meta.url));
const DENO = Deno.execPath();
const TIME = "/usr/bin/time";
const args = Deno.args;
const num = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const pixels = num("--pixels", 20_000), loadPixels = num("--load-pixels", 200_000);
const keep = args.includes("--keep");

interface Out {
  code: number;
  stdout: string;
  stderr: string;
  rssMb: number;
  seconds: number;
}

async function vinsar(argv: string[], cwd: string): Promise<Out> {
  const haveTime = exists(TIME);
  const cmd = [DENO, "run", "-A", MAIN, ...argv];
  const t0 = performance.now();
  const r = await new Deno.Command(haveTime ? TIME : DENO, {
    args: haveTime ? ["-f", "PEAKRSS %M", ...cmd] : cmd.slice(1),
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  let stderr = dec.decode(r.stderr);
  const m = /PEAKRSS (\d+)\s*$/.exec(stderr);
  if (m) stderr = stderr.slice(0, m.index);
  // GNU time's own line about a non-zero exit.
  stderr = stderr.replace(/Command exited with non-zero status \d+\s*$/, "");
  return {
    code: r.code,
    stdout: dec.decode(r.stdout),
    stderr,
    rssMb: m ? Number(m[1]) / 1024 : NaN,
    seconds: (performance.now() - t0) / 1000,
  };
}

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

function sh(cmd: string, argv: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args: argv, stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const CHAIN = [
  {
    key: "ifgram_inversion",
    argv: ["ifgram_inversion", "inputs/ifgramStack.h5"],
    inputs: ["inputs/ifgramStack.h5"],
  },
  {
    key: "timeseries2velocity",
    argv: ["timeseries2velocity", "timeseries.h5", "--save-res"],
    inputs: ["timeseries.h5"],
  },
  {
    key: "timeseries_rms",
    argv: ["timeseries_rms", "timeseriesResidual.h5"],
    inputs: ["timeseriesResidual.h5"],
  },
];

function filesOf(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
}

function sizeOf(dir: string, names: string[]): number {
  return names.reduce((s, n) => s + Deno.statSync(join(dir, n)).size, 0);
}

let passed = 0, failed = 0;
function report(ok: boolean, what: string, detail: string): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
}

/** Make a stack at `dir/inputs/` and run the chain in `dir`; the files each command wrote. */
async function chain(dir: string, simPixels: number, seed: number, extra: string[] = []) {
  Deno.mkdirSync(join(dir, "inputs"), { recursive: true });
  const sim = await vinsar(
    [
      "simulate",
      "--pixels",
      String(simPixels),
      "--dates",
      "30",
      "--seed",
      String(seed),
      "--no-truth",
      "-o",
      "ifgramStack.h5",
      "-q",
    ],
    join(dir, "inputs"),
  );
  if (sim.code !== 0) throw new Error(`simulate: ${sim.stderr}`);
  const wrote = new Map<string, string[]>();
  const runs = new Map<string, Out>();
  for (const c of CHAIN) {
    const before = new Set(filesOf(dir));
    const r = await vinsar([...c.argv, ...extra, "-q"], dir);
    if (r.code !== 0) throw new Error(`${c.key} in ${dir}: ${r.stderr}`);
    wrote.set(c.key, filesOf(dir).filter((f) => !before.has(f) || c.key === "ifgram_inversion"));
    runs.set(c.key, r);
  }
  // What each command writes, by difference (a rerun rewrites the same names).
  return { wrote, runs };
}

async function diskFull(root: string): Promise<void> {
  const mnt = join(root, "mnt");
  Deno.mkdirSync(mnt);
  if (!sh("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt])) {
    report(false, "disk full", "cannot mount a tmpfs (needs root)");
    return;
  }
  sh("umount", [mnt]);
  const newDir = join(root, "new"), oldDir = join(root, "old");
  const made = await chain(newDir, pixels, 1);
  await chain(oldDir, pixels, 2);
  for (const c of CHAIN) {
    // The outputs both runs made (exclude_date.txt exists only with outlier dates).
    const outputs = key(c.key).filter((f) => exists(join(oldDir, f)));
    const inputBytes = c.inputs.reduce((s, f) => s + Deno.statSync(join(newDir, f)).size, 0);
    const oldBytes = sizeOf(oldDir, outputs), newBytes = sizeOf(newDir, outputs);
    // Room for the inputs, the old outputs and a third of the new ones.
    const size = inputBytes + oldBytes + Math.floor(newBytes / 3) + 64 * 1024;
    if (!sh("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", mnt])) {
      report(false, `disk full ${c.key}`, "mount failed");
      continue;
    }
    try {
      for (const f of c.inputs) {
        Deno.mkdirSync(join(mnt, f, ".."), { recursive: true });
        Deno.copyFileSync(join(newDir, f), join(mnt, f));
      }
      for (const f of outputs) Deno.copyFileSync(join(oldDir, f), join(mnt, f));
      const before = new Map<string, string>();
      for (const f of outputs) before.set(f, await fingerprint(join(mnt, f)));
      const r = await vinsar([...c.argv], mnt);
      const last = r.stderr.trim().split("\n").at(-1) ?? "";
      const problems: string[] = [];
      if (r.code !== 2) problems.push(`exit ${r.code}`);
      if (!/No space left on device/.test(last)) problems.push(`last line: ${last}`);
      for (const f of outputs) {
        if ((await tryFingerprint(join(mnt, f))) !== before.get(f)) problems.push(`${f} changed`);
      }
      const extra = filesOf(mnt).filter((f) => !outputs.includes(f) && !c.inputs.includes(f));
      const hidden = [...Deno.readDirSync(mnt)].map((e) => e.name).filter((n) => n.startsWith("."));
      if (extra.length || hidden.length) problems.push(`left: ${[...extra, ...hidden].join(", ")}`);
      report(
        problems.length === 0,
        `disk full ${c.key}`,
        problems.length ? problems.join("; ") : `"${last}"`,
      );
    } finally {
      sh("umount", [mnt]);
    }
  }

  function key(k: string): string[] {
    const inputs = CHAIN.find((c) => c.key === k)!.inputs;
    return made.wrote.get(k)!.filter((f) => !inputs.includes(f) && f !== "inputs");
  }

  // Unwritable places: a read-only folder, an output path that is a folder.
  for (const c of CHAIN) {
    if (!sh("mount", ["-t", "tmpfs", "-o", "size=200m", "tmpfs", mnt])) continue;
    try {
      for (const f of c.inputs) {
        Deno.mkdirSync(join(mnt, f, ".."), { recursive: true });
        Deno.copyFileSync(join(newDir, f), join(mnt, f));
      }
      sh("mount", ["-o", "remount,ro", mnt]);
      let r = await vinsar([...c.argv], mnt);
      let last = r.stderr.trim().split("\n").at(-1) ?? "";
      report(
        r.code === 2 && /Read-only file system/.test(last) && !/internal error/.test(r.stderr),
        `read-only folder ${c.key}`,
        `exit ${r.code}: "${last}"`,
      );
      sh("mount", ["-o", "remount,rw", mnt]);
      const target = key(c.key)[0]!;
      Deno.mkdirSync(join(mnt, target));
      r = await vinsar([...c.argv], mnt);
      last = r.stderr.trim().split("\n").at(-1) ?? "";
      const left = [...Deno.readDirSync(mnt)].map((e) => e.name).filter((n) => n.startsWith("."));
      report(
        r.code === 2 && last.includes(target) && left.length === 0,
        `output path is a folder ${c.key}`,
        `exit ${r.code}: "${last}"${left.length ? `; left ${left.join(", ")}` : ""}`,
      );
    } finally {
      sh("umount", [mnt]);
    }
  }
}

async function load(root: string): Promise<void> {
  const alone = join(root, "load-alone");
  const ref = await chain(alone, loadPixels, 3, ["--max-memory", "0.5"]);
  const prints = new Map<string, string>();
  for (const c of CHAIN) {
    for (const f of ref.wrote.get(c.key)!.filter((f) => f.endsWith(".h5") || f.endsWith(".txt"))) {
      prints.set(f, await fingerprint(join(alone, f)));
    }
  }
  const dirs = [0, 1, 2, 3].map((i) => join(root, `load-${i}`));
  const t0 = performance.now();
  const results = await Promise.allSettled(
    dirs.map((d) => chain(d, loadPixels, 3, ["--max-memory", "0.5"])),
  );
  const wall = (performance.now() - t0) / 1000;
  for (const [i, r] of results.entries()) {
    if (r.status === "rejected") {
      report(false, `load run ${i}`, String(r.reason).split("\n")[0]!);
      continue;
    }
    const problems: string[] = [];
    for (const [f, fp] of prints) {
      if ((await tryFingerprint(join(dirs[i]!, f))) !== fp) problems.push(`${f} differs`);
    }
    const rss = CHAIN.map((c) => `${c.key} ${r.value.runs.get(c.key)!.rssMb.toFixed(0)} MB`);
    report(
      problems.length === 0,
      `load run ${i}`,
      problems.length
        ? problems.join("; ")
        : `outputs equal to a run alone; peak RSS ${rss.join(", ")}`,
    );
  }
  console.log(`4 chains of ${loadPixels} px at once, --max-memory 0.5 each: ${wall.toFixed(1)} s`);
}

const root = Deno.makeTempDirSync({ prefix: "vinsar-fault-disk-" });
try {
  await diskFull(root);
  await load(root);
} catch (e) {
  report(false, "setup", e instanceof Error ? e.message.split("\n")[0]! : String(e));
} finally {
  if (!keep) Deno.removeSync(root, { recursive: true });
  else console.log(`kept ${root}`);
}
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed ? 1 : 0);
