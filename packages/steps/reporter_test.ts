import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";

/**
 * Run a script that logs through `logReporter({ tty: false })` and advances a progress bar
 * in 4 steps, at core log level `level`; its stdout and stderr lines.
 */
async function run(level: string): Promise<{ stdout: string[]; stderr: string[] }> {
  const reporter = new URL("./reporter.ts", import.meta.url).href;
  const script = `import { log } from "@vinsar/core";
import { logReporter } from "${reporter}";
log.setLevel("${level}");
const r = logReporter({ tty: false });
r.info("info line");
r.warn("warn line");
const bar = r.progress("invert", 100);
for (let i = 0; i < 4; i++) bar.advance(25);
r.info("done");`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    cwd: new URL(".", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  strictEqual(out.code, 0, dec.decode(out.stderr));
  const lines = (b: Uint8Array) => dec.decode(b).split("\n").filter(Boolean);
  return { stdout: lines(out.stdout), stderr: lines(out.stderr) };
}

Deno.test("logReporter: messages on stdout, warnings and progress lines on stderr", async () => {
  const r = await run("info");
  deepStrictEqual(r.stdout, ["info line", "done"]);
  strictEqual(r.stderr[0], "WARNING: warn line");
  const progress = r.stderr.slice(1);
  // One line per decile reached: 25%, 50%, 75%, 100%.
  strictEqual(progress.length, 4, r.stderr.join("\n"));
  ok(progress.every((l) => l.startsWith("invert [")), progress.join("\n"));
  ok(progress[3]!.includes("100%"), progress[3]);
});

Deno.test("logReporter at warn level (-q): warnings only, no progress", async () => {
  deepStrictEqual(await run("warn"), { stdout: [], stderr: ["WARNING: warn line"] });
});
