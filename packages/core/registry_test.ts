import { rejects, strictEqual } from "node:assert/strict";
import { createAvailableSolvers, createSolver, log, registerBackend, type Solver } from "./mod.ts";

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

Deno.test("createAvailableSolvers returns every backend that initialises, best first", async () => {
  const warnings: string[] = [];
  const old = log.setSink((lvl, line) => lvl === "warn" && warnings.push(line));
  try {
    registerBackend({
      name: "b-test",
      priority: 501,
      create: () => Promise.resolve(fake("b-test")),
    });
    registerBackend({
      name: "c-test",
      priority: 502,
      create: () => Promise.reject(new Error("x")),
    });
    registerBackend({
      name: "a-test",
      priority: 503,
      create: () => Promise.resolve(fake("a-test")),
    });
    const names = (await createAvailableSolvers()).map((a) => a.solver.name);
    const mine = names.filter((n) => n.endsWith("-test") && n !== "good-test");
    strictEqual(mine.join(","), "a-test,b-test");
    strictEqual(warnings.filter((w) => w.startsWith("backend c-test failed")).length, 1);
  } finally {
    log.setSink(old);
  }
});
