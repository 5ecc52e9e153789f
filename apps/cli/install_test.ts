/**
 * The documented `deno install -g` line (README.md and docs/install.md) installs a working
 * `vinsar`: it is run as written, into a scratch `--root`, and the installed command is run
 * from a folder outside the repository.
 */
import { ok, strictEqual } from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

/** The first `deno install -g ...` line of a doc's shell blocks. */
function installLine(doc: string): string {
  const text = Deno.readTextFileSync(new URL(doc, ROOT));
  const line = text.split("\n").map((l) => l.trim()).find((l) => l.startsWith("deno install -g"));
  ok(line, `${doc}: no "deno install -g" line`);
  return line.replace(/\s+#.*$/, "");
}

let CACHE = "";

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    // The --backend auto cache goes to the scratch folder, not the user's.
    env: { NO_COLOR: "1", XDG_CACHE_HOME: CACHE, VINSAR_CALIBRATION_CACHE: "", ...env },
  }).output();
  const text = new TextDecoder();
  return { code: r.code, out: text.decode(r.stdout) + text.decode(r.stderr) };
}

Deno.test("the documented deno install -g line installs a vinsar that runs anywhere", async () => {
  const line = installLine("docs/install.md");
  strictEqual(installLine("README.md"), line, "README.md and docs/install.md differ");
  const words = line.split(/\s+/);
  strictEqual(words.slice(0, 3).join(" "), "deno install -g");
  const dir = await Deno.makeTempDir({ prefix: "vinsar-install-" });
  CACHE = `${dir}/cache`;
  try {
    // As documented, from the repository's root; `--root` only moves the install.
    const install = await run(
      Deno.execPath(),
      [words[1]!, "--root", dir, ...words.slice(2)],
      new URL(".", ROOT).pathname,
      { DENO_INSTALL_ROOT: dir },
    );
    strictEqual(install.code, 0, install.out);
    const bin = `${dir}/bin/vinsar${Deno.build.os === "windows" ? ".cmd" : ""}`;
    ok(Deno.statSync(bin).isFile, install.out);

    const work = `${dir}/work`;
    Deno.mkdirSync(work);
    const help = await run(bin, ["--help"], work);
    strictEqual(help.code, 0, help.out);
    ok(help.out.includes("ifgram_inversion"), help.out);
    const sim = await run(
      bin,
      ["simulate", "--length", "20", "--width", "30", "--dates", "8", "--out", "s.h5"],
      work,
    );
    strictEqual(sim.code, 0, sim.out);
    ok(Deno.statSync(`${work}/s.h5`).size > 0);
    const inv = await run(bin, ["ifgram_inversion", "s.h5", "--workers", "2"], work);
    strictEqual(inv.code, 0, inv.out);
    ok(/\b2 thread\(s\) inverting/.test(inv.out), inv.out);
    ok(Deno.statSync(`${work}/timeseries.h5`).size > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
