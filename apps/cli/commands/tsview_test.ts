import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startTsview } from "./tsview_testing.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

async function vinsar(cwd: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A folder with a small simulated timeseries.h5. */
async function timeseriesFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tsview-cli-" });
  const r = await vinsar(
    dir,
    ...["simulate", "--length", "12", "--width", "16", "--dates", "6", "--timeseries-only"],
    ...["--no-truth", "--no-sync", "-q"],
  );
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

Deno.test("vinsar tsview prints its URL, serves the page, and stops cleanly on Ctrl-C", async () => {
  const dir = await timeseriesFolder();
  try {
    const t = await startTsview(MAIN, ["timeseries.h5", "--yx", "3", "4", "-c", "viridis"], {
      cwd: dir,
    });
    assert.match(t.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const meta = await (await fetch(new URL("meta", t.url))).json();
    assert.equal(meta.length, 12);
    assert.equal(meta.width, 16);
    assert.equal(meta.dates.length, 6);
    assert.deepEqual(meta.defaults, {
      colormap: "viridis",
      vlim: null,
      unit: "cm",
      yx: [3, 4],
      date: 5,
      ylim: null,
      model: true,
      zeroFirst: false,
    });
    const p = await (await fetch(new URL("point?y=3&x=4", t.url))).json();
    assert.equal(p.values.length, 6);
    assert.equal(await t.interrupt(), 0);
    assert.ok(t.lines.some((l) => l.includes(t.url)), t.lines.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vinsar tsview: a bad file or flag is one line naming it, exit 2", async () => {
  const dir = await timeseriesFolder();
  try {
    const cases: Array<[string[], RegExp]> = [
      [["missing.h5"], /^vinsar tsview: missing\.h5: file not found$/],
      [["timeseries.h5", "--port", "x"], /^vinsar tsview: flag --port: "x" is not a number$/],
      [["timeseries.h5", "--port", "-3"], /^vinsar tsview: flag --port: "-3" is not a port/],
      [["timeseries.h5", "-c", "nope"], /^vinsar tsview: flag -c\/--colormap: "nope"/],
      [["timeseries.h5", "--yx", "1.5", "2"], /^vinsar tsview: flag --yx: "1.5 2"/],
    ];
    for (const [args, message] of cases) {
      const r = await vinsar(dir, "tsview", ...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
    }
    const help = await vinsar(dir, "tsview.py", "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: vinsar tsview TIMESERIES_FILE \[FILE \.\.\.\]/);
    assert.match(help.stdout, /--port PORT/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
