import { ok, strictEqual } from "node:assert/strict";
import { COMMANDS } from "./commands/mod.ts";
import { main, VERSION } from "./main.ts";

const CLI = new URL("./main.ts", import.meta.url).pathname;

/** Run `vinsar <args>` in `cwd`: exit code, stdout, stderr. */
async function vinsar(
  args: string[],
  cwd = Deno.cwd(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** What `fn` prints with console.log. */
async function captureLog(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const old = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    await fn();
  } finally {
    console.log = old;
  }
  return lines.join("\n");
}

Deno.test("vinsar --version / -v / --vers: the version of apps/cli/deno.json, exit 0", async () => {
  const pkg = JSON.parse(Deno.readTextFileSync(new URL("./deno.json", import.meta.url)));
  strictEqual(VERSION, pkg.version);
  ok(/^\d+\.\d+\.\d+/.test(VERSION), VERSION);
  for (const flag of ["--version", "-v", "--vers"]) {
    const r = await vinsar([flag]);
    strictEqual(r.code, 0, r.stderr);
    strictEqual(r.stdout, `vinsar ${VERSION}\n`);
    strictEqual(r.stderr, "");
  }
});

Deno.test("vinsar --help lists the commands, -h and -v", async () => {
  const text = await captureLog(async () => strictEqual(await main(["--help"]), 0));
  for (const name of Object.keys(COMMANDS)) ok(text.includes(`\n  ${name} `), name);
  ok(/\n {2}-h, --help +show this help/.test(text), text);
  ok(/\n {2}-v, --version +print the version/.test(text), text);
});

Deno.test("every command's --help lists -h first and aligns the help column", async () => {
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const { command } = await entry.load();
    for (const flag of ["--help", "-h", "--he"]) {
      const text = await captureLog(() => command.run([flag]));
      const rows = text.split("\n").filter((l) => /^ {2}-/.test(l));
      ok(/^ {2}-h, --help {2,}show this help and exit$/.test(rows[0] ?? ""), `${name}: ${text}`);
      // Flags hold single spaces only: the first double space ends them. Every help text
      // starts in one column, two spaces after the longest flag.
      const flagEnd = rows.map((l) => l.indexOf("  ", 2));
      const column = Math.max(...flagEnd) + 2;
      for (const l of rows) {
        ok(l.length <= column || (l[column - 1] === " " && l[column] !== " "), `${name}: ${l}`);
      }
      ok(rows.some((l) => l.indexOf("  ", 2) + 2 === column), name);
    }
  }
});

Deno.test("info lines on stdout, progress on stderr; -q: nothing on stdout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-streams-" });
  try {
    const args = ["simulate", "--length", "30", "--width", "40", "--dates", "12"];
    const r = await vinsar(args, dir);
    strictEqual(r.code, 0, r.stderr);
    ok(/^simulate 30 x 40 pixels, 12 dates/.test(r.stdout), r.stdout);
    ok(r.stdout.includes("wrote ifgramStack.h5 and truth.h5"), r.stdout);
    // stderr: the progress lines only (not a terminal: one per decile).
    const err = r.stderr.split("\n").filter(Boolean);
    ok(err.length > 0 && err.every((l) => / \[[#-]+\] +\d+%/.test(l)), r.stderr);
    ok(!/\] +\d+%/.test(r.stdout), r.stdout);

    const quiet = await vinsar([...args, "--out", "q.h5", "--truth", "qt.h5", "-q"], dir);
    strictEqual(quiet.code, 0, quiet.stderr);
    strictEqual(quiet.stdout, "");
    strictEqual(quiet.stderr, "");

    // An error: one line on stderr, nothing on stdout.
    const bad = await vinsar(["timeseries_rms", "missing.h5"], dir);
    strictEqual(bad.code, 2);
    strictEqual(bad.stdout, "");
    strictEqual(bad.stderr, "vinsar timeseries_rms: missing.h5: file not found\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
