/**
 * Fault-injection suite, kill -9 part (issue 15, item 6).
 *
 *     deno run -A .ci/fault_suite.ts [--kills N] [--pixels P] [--dates D] [--seed S] [--keep]
 *
 * Builds a simulated stack (seed S, the "new" inputs) and a second one (seed S+1, whose outputs
 * play the "old" outputs) in a temp folder, runs the chain ifgram_inversion ->
 * timeseries2velocity --save-res -> timeseries_rms once on each for reference outputs, then for
 * each command, N times: puts the old outputs in its work folder, starts the command, kills it
 * with SIGKILL after a random delay (uniform over 0..1.2 x the command's measured duration,
 * seeded), and checks that every output is the complete old file or the complete new one
 * (never torn, never missing); then reruns the command to completion and checks its outputs
 * equal the uninterrupted run's and that no temporary (`.*.vinsar-*.tmp`) is left.
 *
 * HDF5 outputs are compared by content (root attributes, dataset names, shapes, types and
 * bytes, read with @vinsar/hdf5's H5Reader), ignoring only the attributes in
 * {@link IGNORED_ATTRS}; other files byte for byte. Ends with "N passed, N failed" (one check
 * = one kill) and exits 1 on any failure.
 * @module
 */
import { H5Reader } from "@vinsar/hdf5";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Root attributes that record a path or a time and so differ between identical runs. */
const IGNORED_ATTRS = new Set([
  "FILE_PATH", // absolute path of the input the output was made from (the run's folder)
]);

const TEMP_RE = /^\..+\.vinsar-.+\.tmp$/;
/** Output lock files (`.<name>.vinsar.lock`): a finished run must not leave one. */
const LOCK_RE = /^\..+\.vinsar\.lock$/;
const MAIN = fileURLToPath(new URL("../apps/cli/main.ts", import.meta.url));
const DENO = Deno.execPath();

interface Options {
  kills: number;
  pixels: number;
  dates: number;
  seed: number;
  keep: boolean;
  /** Resumable runs: every run in tiles (issue 15's resume), reruns counted as resumed. */
  resume: boolean;
}

/** Environment of every vinsar run (the resume mode's knobs). */
// SOURCE_DATE_EPOCH: the PDF chart's creation date, otherwise the time of the run.
const CHILD_ENV: Record<string, string> = { NO_COLOR: "1", SOURCE_DATE_EPOCH: "1764806400" };

function parseArgs(argv: string[]): Options {
  const o: Options = {
    kills: 30,
    pixels: 100_000,
    dates: 30,
    seed: 1,
    keep: false,
    resume: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${a}: expected a positive integer`);
      return v;
    };
    if (a === "--kills") o.kills = num();
    else if (a === "--pixels") o.pixels = num();
    else if (a === "--dates") o.dates = num();
    else if (a === "--seed") o.seed = num();
    else if (a === "--keep") o.keep = true;
    else if (a === "--resume") o.resume = true;
    else throw new RangeError(`unknown argument ${a}`);
  }
  return o;
}

/** mulberry32: a small seeded generator, uniform on [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function run(
  cwd: string,
  args: string[],
): Promise<{ ms: number; stderr: string; stdout: string }> {
  const t0 = performance.now();
  const out = await new Deno.Command(DENO, {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: CHILD_ENV,
  }).output();
  const ms = performance.now() - t0;
  const stderr = new TextDecoder().decode(out.stderr);
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`vinsar ${args.join(" ")} (in ${cwd}) exited ${out.code}:\n${stderr}`);
  }
  return { ms, stderr, stdout };
}

interface Entry {
  ino: number | null;
  mtime: number;
  size: number;
}

function snapshot(dir: string): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const e of Deno.readDirSync(dir)) {
    if (!e.isFile) continue;
    const s = Deno.statSync(join(dir, e.name));
    m.set(e.name, { ino: s.ino, mtime: s.mtime?.getTime() ?? 0, size: s.size });
  }
  return m;
}

/** Files created or replaced between two snapshots. */
function changed(before: Map<string, Entry>, after: Map<string, Entry>): string[] {
  const out: string[] = [];
  for (const [name, a] of after) {
    if (TEMP_RE.test(name)) continue;
    const b = before.get(name);
    if (!b || b.ino !== a.ino || b.mtime !== a.mtime || b.size !== a.size) out.push(name);
  }
  return out.sort();
}

function temporaries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => TEMP_RE.test(n));
}

function locks(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => LOCK_RE.test(n));
}

/** The hidden files of `dir` (temporaries, locks) with their sizes, and a lock's content. */
function hiddenFiles(dir: string): string {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (!e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    let text = "";
    try {
      const s = Deno.statSync(p);
      text = `${e.name} (${s.size} B, ${s.mtime?.toISOString()})`;
      if (LOCK_RE.test(e.name)) {
        text += ` ${JSON.stringify(Deno.readTextFileSync(p).slice(0, 200))}`;
      }
    } catch {
      text = `${e.name} (gone)`;
    }
    out.push(text);
  }
  return out.length ? out.join(", ") : "none";
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The content of a file as a string: for HDF5, its root attributes (but the ignored ones) and
 * each dataset's shape, type and a hash of its bytes; otherwise a hash of the bytes. Throws
 * when the file cannot be read (a torn HDF5 file).
 */
export async function fingerprint(path: string): Promise<string> {
  if (!path.endsWith(".h5")) return `bytes ${await sha256(await Deno.readFile(path))}`;
  const r = await H5Reader.open(path);
  try {
    const attrs = Object.entries(r.attrs()).filter(([k]) => !IGNORED_ATTRS.has(k)).sort();
    const parts: string[] = [`attrs ${JSON.stringify(attrs)}`];
    for (const name of r.datasets().sort()) {
      const info = r.info(name);
      let digest: string;
      if (info.dtype.startsWith("S") || info.dtype.startsWith("U")) {
        digest = await sha256(new TextEncoder().encode(JSON.stringify(r.readStrings(name))));
      } else {
        const a = r.read(name);
        digest = await sha256(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
      parts.push(`dataset ${name} ${JSON.stringify(info.shape)} ${info.dtype} ${digest}`);
    }
    return parts.join("\n");
  } finally {
    r.close();
  }
}

export async function tryFingerprint(path: string): Promise<string | null> {
  try {
    return await fingerprint(path);
  } catch {
    return null;
  }
}

/** The first line where two fingerprints differ (for the failure message). */
function firstDifference(a: string, b: string): string {
  const x = a.split("\n"), y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      return `${(x[i] ?? "<none>").slice(0, 160)} vs ${(y[i] ?? "<none>").slice(0, 160)}`;
    }
  }
  return "equal";
}

interface Command {
  key: string;
  args: string[];
  /** Input files copied from the new reference folder into the work folder. */
  inputs: string[];
}

interface Row {
  key: string;
  outputs: string[];
  measuredMs: number;
  tried: number;
  killed: number;
  finished: number;
  tempsAfterKill: number;
  old: number;
  new: number;
  corrupt: number;
  missing: number;
  tempsAfterRerun: number;
  locksAfterRerun: number;
  rerunsIdentical: number;
  /** Reruns that continued from finished tiles (resume mode). */
  resumed: number;
  passed: number;
  failed: number;
  ms: number;
  failures: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const o = parseArgs(Deno.args);
  if (o.resume) {
    // Every run in 4 resumable tiles.
    CHILD_ENV.VINSAR_RESUME_MIN_BYTES = "0";
    CHILD_ENV.VINSAR_RESUME_TILES = "4";
  }
  const t0 = performance.now();
  const root = await Deno.makeTempDir({ prefix: "vinsar-fault-" });
  console.log(
    `== kill -9 suite: ${o.kills} kills per command, ${o.pixels} pixels, ${o.dates} dates, seed ${o.seed}`,
  );
  console.log(`   folder ${root}`);
  try {
    const commands: Command[] = [
      {
        key: "ifgram_inversion",
        args: ["ifgram_inversion", join(root, "inputs", "ifgramStack.h5")],
        inputs: [],
      },
      {
        key: "timeseries2velocity",
        args: ["timeseries2velocity", "timeseries.h5", "--save-res"],
        inputs: ["timeseries.h5"],
      },
      {
        key: "timeseries_rms",
        args: ["timeseries_rms", "timeseriesResidual.h5"],
        inputs: ["timeseriesResidual.h5"],
      },
    ];

    // Two stacks: "new" (seed S) gives the outputs each run must produce, "old" (seed S+1)
    // outputs of the same names but other content, so old and new are told apart.
    const refs: Record<"new" | "old", { dir: string; outputs: Map<string, string[]> }> = {
      new: { dir: join(root, "ref-new"), outputs: new Map() },
      old: { dir: join(root, "ref-old"), outputs: new Map() },
    };
    for (const [which, seed] of [["new", o.seed], ["old", o.seed + 1]] as const) {
      const stackDir = which === "new" ? join(root, "inputs") : join(root, "inputs-old");
      await Deno.mkdir(stackDir, { recursive: true });
      const sim = await run(stackDir, [
        "simulate",
        "--pixels",
        String(o.pixels),
        "--dates",
        String(o.dates),
        "--seed",
        String(seed),
        "--no-truth",
        "--out",
        "ifgramStack.h5",
      ]);
      const dir = refs[which].dir;
      await Deno.mkdir(dir);
      const line = [`   ${which} stack (seed ${seed}): simulate ${(sim.ms / 1000).toFixed(1)} s`];
      for (const c of commands) {
        const args = c.key === "ifgram_inversion"
          ? [c.args[0], join(stackDir, "ifgramStack.h5")]
          : c.args;
        const before = snapshot(dir);
        const r = await run(dir, args);
        refs[which].outputs.set(c.key, changed(before, snapshot(dir)));
        line.push(`${c.key} ${(r.ms / 1000).toFixed(1)} s`);
      }
      console.log(line.join(", "));
    }

    const newPrints = new Map<string, string>();
    const oldPrints = new Map<string, string>();
    const rows: Row[] = [];
    const random = rng(o.seed * 7919 + 17);

    for (const c of commands) {
      const outputs = refs.new.outputs.get(c.key)!;
      const oldOutputs = refs.old.outputs.get(c.key)!;
      if (outputs.join() !== oldOutputs.join()) {
        throw new Error(`${c.key}: outputs differ between the stacks: ${outputs} / ${oldOutputs}`);
      }
      for (const f of outputs) {
        newPrints.set(`${c.key}/${f}`, await fingerprint(join(refs.new.dir, f)));
        oldPrints.set(`${c.key}/${f}`, await fingerprint(join(refs.old.dir, f)));
      }
      const work = join(root, `work-${c.key}`);
      await Deno.mkdir(work);
      for (const f of c.inputs) await Deno.copyFile(join(refs.new.dir, f), join(work, f));
      const putOld = async () => {
        for (const f of outputs) {
          const tmp = join(work, `restore-${f}`);
          await Deno.copyFile(join(refs.old.dir, f), tmp);
          await Deno.rename(tmp, join(work, f));
        }
      };
      /** Failures of the outputs against the new reference ("" when all equal). */
      const checkNew = async (): Promise<string[]> => {
        const bad: string[] = [];
        for (const f of outputs) {
          const p = join(work, f);
          const fp = await tryFingerprint(p);
          const want = newPrints.get(`${c.key}/${f}`)!;
          if (fp === null) bad.push(`${f}: ${exists(p) ? "unreadable" : "missing"}`);
          else if (fp !== want) bad.push(`${f}: differs: ${firstDifference(fp, want)}`);
        }
        return bad;
      };

      // One uninterrupted run in the work folder, over old outputs: the duration the kill
      // delays are drawn from, and a check that the work folder gives the reference outputs.
      await putOld();
      const measured = await run(work, c.args);
      const mismatch = await checkNew();
      if (mismatch.length) {
        throw new Error(`${c.key}: two uninterrupted runs differ: ${mismatch.join("; ")}`);
      }
      const row: Row = {
        key: c.key,
        outputs,
        measuredMs: measured.ms,
        tried: 0,
        killed: 0,
        finished: 0,
        tempsAfterKill: 0,
        old: 0,
        new: 0,
        corrupt: 0,
        missing: 0,
        tempsAfterRerun: 0,
        locksAfterRerun: 0,
        rerunsIdentical: 0,
        resumed: 0,
        passed: 0,
        failed: 0,
        ms: 0,
        failures: [],
      };
      const tc = performance.now();
      for (let k = 0; k < o.kills; k++) {
        const problems: string[] = [];
        await putOld();
        const leftover = temporaries(work);
        if (leftover.length) problems.push(`temporaries before the start: ${leftover}`);
        const inodes = new Map(outputs.map((f) => [f, Deno.statSync(join(work, f)).ino]));
        const delay = random() * 1.2 * measured.ms;
        row.tried++;
        const child = new Deno.Command(DENO, {
          args: ["run", "-A", MAIN, ...c.args],
          cwd: work,
          stdin: "null",
          stdout: "null",
          stderr: "null",
          env: CHILD_ENV,
        }).spawn();
        let done = false;
        const status = child.status.then((s) => {
          done = true;
          return s;
        });
        await Promise.race([status, sleep(delay)]);
        if (!done) {
          try {
            child.kill("SIGKILL");
          } catch {
            // It exited between the race and the kill: counted as finished below.
          }
        }
        const s = await status;
        if (s.signal === "SIGKILL") row.killed++;
        else {
          row.finished++;
          if (!s.success) problems.push(`finished before the kill with exit ${s.code}`);
        }
        if (temporaries(work).length) row.tempsAfterKill++;
        const hiddenAfterKill = hiddenFiles(work);
        for (const f of outputs) {
          const p = join(work, f);
          if (!exists(p)) {
            row.missing++;
            problems.push(`${f}: missing after the kill`);
            continue;
          }
          const fp = await tryFingerprint(p);
          const isNew = fp !== null && fp === newPrints.get(`${c.key}/${f}`);
          const isOld = fp !== null && fp === oldPrints.get(`${c.key}/${f}`);
          if (isNew && isOld) {
            // Same content in both stacks (e.g. reference_date.txt): the inode tells.
            if (Deno.statSync(p).ino === inodes.get(f)) row.old++;
            else row.new++;
          } else if (isNew) row.new++;
          else if (isOld) row.old++;
          else {
            row.corrupt++;
            problems.push(
              `${f}: neither old nor new after the kill (${
                fp === null ? "unreadable" : "other content"
              })`,
            );
          }
        }
        // Rerun to completion.
        try {
          const rerun = await run(work, c.args);
          if (/resuming .*: [1-9]\d* of \d+ tile\(s\) already done/.test(rerun.stdout)) {
            row.resumed++;
          }
          const bad = await checkNew();
          if (bad.length) problems.push(`rerun: ${bad.join("; ")}`);
          else row.rerunsIdentical++;
        } catch (e) {
          problems.push(
            `rerun failed: ${(e as Error).message.split("\n").slice(0, 3).join(" | ")}`,
          );
        }
        const left = temporaries(work);
        if (left.length) {
          row.tempsAfterRerun += left.length;
          problems.push(`temporaries left after the rerun: ${left.join(", ")}`);
        }
        if (exists(join(work, ".vinsar"))) {
          problems.push("plan folder .vinsar left after the rerun");
        }
        const lockLeft = locks(work);
        if (lockLeft.length) {
          row.locksAfterRerun += lockLeft.length;
          problems.push(`locks left after the rerun: ${lockLeft.join(", ")}`);
        }
        if (problems.length) {
          problems.push(`hidden files after the kill: ${hiddenAfterKill}`);
          problems.push(`hidden files now: ${hiddenFiles(work)}`);
          row.failed++;
          row.failures.push(`kill ${k + 1} at ${delay.toFixed(0)} ms: ${problems.join("; ")}`);
        } else row.passed++;
      }
      row.ms = performance.now() - tc;
      rows.push(row);
      printRow(row);
    }

    printTable(rows);
    const passed = rows.reduce((s, r) => s + r.passed, 0);
    const failed = rows.reduce((s, r) => s + r.failed, 0);
    console.log(`total time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  } finally {
    if (o.keep) console.log(`kept ${root}`);
    else await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}

function printRow(r: Row): void {
  console.log(
    `-- ${r.key}: ${r.tried} kills in ${(r.ms / 1000).toFixed(1)} s ` +
      `(uninterrupted run ${(r.measuredMs / 1000).toFixed(2)} s; outputs ${r.outputs.join(", ")})`,
  );
  for (const f of r.failures) console.log(`   FAIL ${f}`);
}

function printTable(rows: Row[]): void {
  const head = [
    "command",
    "kills",
    "killed mid-run",
    "finished first",
    "temp after kill",
    "outputs old",
    "outputs new",
    "corrupt",
    "missing",
    "temps after rerun",
    "locks after rerun",
    "reruns identical",
    "reruns resumed",
    "time",
  ];
  const body = rows.map((r) =>
    [
      r.key,
      r.tried,
      r.killed,
      r.finished,
      r.tempsAfterKill,
      r.old,
      r.new,
      r.corrupt,
      r.missing,
      r.tempsAfterRerun,
      r.locksAfterRerun,
      `${r.rerunsIdentical}/${r.tried}`,
      r.resumed,
      `${(r.ms / 1000).toFixed(1)} s`,
    ].map(String)
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(head));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const b of body) console.log(line(b));
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error(`fault suite: ${(e as Error).message}`);
    console.log("0 passed, 1 failed");
    Deno.exit(1);
  }
}
