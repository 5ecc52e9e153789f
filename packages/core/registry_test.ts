import { rejects, strictEqual } from "node:assert/strict";
import { createSolver, log, registerBackend, type Solver } from "./mod.ts";

const fake = (name: string): Solver => ({ name }) as unknown as Solver;

Deno.test("auto falls back past a backend that fails to initialise, with a warning", async () => {
  const warnings: string[] = [];
  const old = log.setSink((lvl, line) => lvl === "warn" && warnings.push(line));
  try {
    registerBackend({
      name: "broken-test",
      priority: 1000,
      create: () => Promise.reject(new Error("no SIMD")),
    });
    registerBackend({
      name: "good-test",
      priority: 999,
      create: () => Promise.resolve(fake("good-test")),
    });
    strictEqual((await createSolver("auto")).name, "good-test");
    strictEqual(warnings.length, 1);
    strictEqual(warnings[0], "backend broken-test failed to initialise, skipped: no SIMD");
    await rejects(createSolver("nope"), /Unknown backend "nope"/);
    await rejects(createSolver("broken-test"), /no SIMD/);
  } finally {
    log.setSink(old);
  }
});
