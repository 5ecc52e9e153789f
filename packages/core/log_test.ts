import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { log, type LogLevel } from "./log.ts";

/** Run a script logging one line per level at `level`; its stdout and stderr. */
async function streams(level: LogLevel): Promise<{ stdout: string; stderr: string }> {
  const mod = new URL("./log.ts", import.meta.url).href;
  const script = `import { log } from "${mod}";
log.setLevel("${level}");
log.debug("d1"); log.info("i1"); log.warn("w1"); log.error("e1"); log.info("i2");`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  strictEqual(out.code, 0, new TextDecoder().decode(out.stderr));
  const dec = new TextDecoder();
  return { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("log: info and debug on stdout, warnings and errors on stderr (as MintPy)", async () => {
  deepStrictEqual(await streams("info"), {
    stdout: "i1\ni2\n",
    stderr: "WARNING: w1\nERROR: e1\n",
  });
  deepStrictEqual(await streams("debug"), {
    stdout: "d1\ni1\ni2\n",
    stderr: "WARNING: w1\nERROR: e1\n",
  });
  // -q: only warnings and errors.
  deepStrictEqual(await streams("warn"), { stdout: "", stderr: "WARNING: w1\nERROR: e1\n" });
  deepStrictEqual(await streams("silent"), { stdout: "", stderr: "" });
});

Deno.test("log: levels filter before the sink; setSink returns the previous sink", () => {
  const lines: string[] = [];
  const old = log.setSink((lvl, line) => lines.push(`${lvl}:${line}`));
  const oldLevel = log.getLevel();
  try {
    log.setLevel("warn");
    log.info("hidden");
    log.debug("hidden");
    log.warn("w");
    log.error("e");
    log.setLevel("debug");
    log.debug("d");
    deepStrictEqual(lines, ["warn:w", "error:e", "debug:d"]);
    const mine = log.setSink(old);
    log.setSink(mine);
    mine("info", "direct");
    strictEqual(lines.at(-1), "info:direct");
  } finally {
    log.setSink(old);
    log.setLevel(oldLevel);
  }
});
