import { deepStrictEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { h5Differences, writeTestStack } from "@vinsar/hdf5/testing";
import { registerBuiltinBackends } from "../pipeline/mod.ts";
import { run } from "../ifgram_inversion/mod.ts";
import type { Reporter } from "../reporter.ts";
import { createPlan, runResumable, runTile } from "./mod.ts";

function recorder(lines: string[]): Reporter {
  return {
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`WARN ${m}`),
    debug: () => {},
    progress: () => ({ advance: () => {} }),
  };
}

Deno.test({
  name: "resumable run: a run with a tile done continues from it, equal to a direct run",
  sanitizeResources: false,
  async fn() {
    await registerBuiltinBackends();
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-resume-" });
    try {
      const stack = join(dir, "ifgramStack.h5");
      await writeTestStack(stack);
      const outfile = (d: string) =>
        ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"].map((f) => join(d, f));
      Deno.mkdirSync(join(dir, "direct"));
      const silent = recorder([]);
      await run({
        stackFile: stack,
        outfile: outfile(join(dir, "direct")) as never,
        reporter: silent,
      });
      const options = { stackFile: stack, outfile: outfile(dir), weightFunc: "var" };
      // A run killed after its first tile: the plan and tile 0 are there.
      const { path } = await createPlan("ifgram_inversion", options, {
        workers: 1,
        taskBytes: Infinity,
        tiles: 3,
        workDir: dir,
      });
      await runTile(path, 0, { reporter: silent });
      const lines: string[] = [];
      const ran = await runResumable(
        "ifgram_inversion",
        { ...options, reporter: recorder(lines) },
        {
          minBytes: 0,
          // 3 tiles, as above: the same plan.
          tileBytes: Math.ceil((6 * 7 * 7 * 4 * 2) / 3),
          workDir: dir,
        },
      );
      ok(ran);
      ok(
        lines.some((l) =>
          /resuming ifgram_inversion \(plan \w+\): 1 of 3 tile\(s\) already done/.test(l)
        ),
        lines.join("\n"),
      );
      for (const [a, b] of outfile(join(dir, "direct")).map((p, i) => [p, outfile(dir)[i]!])) {
        deepStrictEqual(await h5Differences(a!, b, ["FILE_PATH"]), [], b);
      }
      ok(![...Deno.readDirSync(dir)].some((e) => e.name === ".vinsar"), "plan folder removed");
      // A setting changed: another plan, from scratch; the stale plan of the same outputs goes.
      const stale = await createPlan("ifgram_inversion", options, {
        workers: 1,
        taskBytes: Infinity,
        tiles: 3,
        workDir: dir,
      });
      await runTile(stale.path, 0, { reporter: silent });
      const changed: string[] = [];
      ok(
        await runResumable(
          "ifgram_inversion",
          { ...options, weightFunc: "no", reporter: recorder(changed) },
          { minBytes: 0, tileBytes: Math.ceil((6 * 7 * 7 * 4) / 3), workDir: dir },
        ),
      );
      ok(changed.some((l) => /in 3 resumable tile\(s\)/.test(l)), changed.join("\n"));
      ok(!changed.some((l) => /resuming/.test(l)), changed.join("\n"));
      ok(![...Deno.readDirSync(dir)].some((e) => e.name === ".vinsar"), "stale plan removed");
      // Too small to be worth tiles: the caller runs the step as usual.
      ok(!(await runResumable("ifgram_inversion", options, { workDir: dir })));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
