import { ok, strictEqual } from "node:assert/strict";
import { registerBackend } from "@vinsar/core";
import { createTsSolver, tsBackend } from "@vinsar/backend-ts";
import { referenceDir } from "@vinsar/steps/testing";
import type { Timeseries2VelocityOptions } from "./mod.ts";
import { sameFiles, t2v } from "./_testing.ts";

// Its own test module (its own registry): the backend registered here exists in this
// module only, and no run here calibrates ("auto"), so no calibration cache sees it.
registerBackend(tsBackend);
const ref = referenceDir();

Deno.test({
  name: "workers that cannot start: the fit runs in process, on the two shared buffers",
  ignore: ref === null,
  async fn() {
    // A backend the workers do not have: their start fails, and the run goes on without them.
    registerBackend({
      name: "main-thread-only",
      priority: -1,
      create: () => Promise.resolve({ ...createTsSolver(), name: "main-thread-only" }),
    });
    const dir = Deno.makeTempDirSync({ prefix: "vinsar-t2v-" });
    try {
      const options: Timeseries2VelocityOptions = {
        timeseriesFile: `${ref}/mexico-city/timeseries.h5`,
        saveRes: true,
        maxBlockRows: 7,
      };
      await t2v({
        ...options,
        backend: "ts",
        outfile: `${dir}/one.h5`,
        resFile: `${dir}/one_res.h5`,
        workers: 1,
      });
      const fallback = await t2v({
        ...options,
        backend: "main-thread-only",
        outfile: `${dir}/fallback.h5`,
        resFile: `${dir}/fallback_res.h5`,
        workers: 2,
      });
      ok(
        /^workers unavailable, fitting in-process: Unknown backend "main-thread-only"/m
          .test(fallback.log),
        fallback.log,
      );
      strictEqual(fallback.result.fit?.executor, "in-process");
      ok(/^timing: read .*, in-process$/m.test(fallback.log), fallback.log);
      await sameFiles(`${dir}/one.h5`, `${dir}/fallback.h5`);
      await sameFiles(`${dir}/one_res.h5`, `${dir}/fallback_res.h5`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
