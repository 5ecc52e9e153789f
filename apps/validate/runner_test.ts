import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { cliRunner } from "./runner.ts";

/** A stand-in CLI that holds ~200 MB for a moment, prints, and exits with a chosen code. */
const FAKE_CLI = `
const [cmd, code] = Deno.args;
const big = new Float64Array(25 * 2 ** 20).fill(1);
await new Promise((r) => setTimeout(r, 150));
console.log(cmd, big[12345]);
console.error("line one\\nlast line");
Deno.exit(Number(code));
`;

for (const timeBinary of ["/usr/bin/time", null]) {
  const how = timeBinary ? "GNU time" : "polling /proc";
  Deno.test(`cliRunner measures wall time and peak RSS (${how})`, async () => {
    if (timeBinary && !(await Deno.stat(timeBinary).catch(() => null))) {
      console.warn(`skipping: ${timeBinary} absent`);
      return;
    }
    const dir = await Deno.makeTempDir({ prefix: "vinsar-runner-" });
    try {
      const cli = join(dir, "cli.ts");
      await Deno.writeTextFile(cli, FAKE_CLI);
      const run = cliRunner(cli, { timeBinary });
      const r = await run({ command: "hello", args: ["3"], cwd: dir });
      strictEqual(r.code, 3);
      strictEqual(r.stdout.trim(), "hello 1");
      ok(r.stderr.includes("last line"));
      ok(r.wallS >= 0.15, `wall ${r.wallS}`);
      // 200 MB of Float64Array plus Deno itself.
      ok(r.peakRssMb !== undefined && r.peakRssMb > 200, `peak RSS ${r.peakRssMb}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
