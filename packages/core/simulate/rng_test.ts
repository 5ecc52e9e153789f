import { deepStrictEqual, notDeepStrictEqual, ok } from "node:assert/strict";
import { Rng, streamKey } from "./rng.ts";

Deno.test("the same seed and stream give the same numbers; others differ", () => {
  const draw = (r: Rng) => Array.from({ length: 8 }, () => r.nextU32());
  deepStrictEqual(draw(new Rng(42, 1, 2)), draw(new Rng(42, 1, 2)));
  notDeepStrictEqual(draw(new Rng(42, 1, 2)), draw(new Rng(42, 2, 1)));
  notDeepStrictEqual(draw(new Rng(42)), draw(new Rng(43)));
  // Seeds beyond 32 bits matter too.
  notDeepStrictEqual(draw(new Rng(2 ** 40)), draw(new Rng(0)));
  const r = new Rng(0);
  r.reseed(streamKey(42, 1, 2));
  deepStrictEqual(draw(r), draw(new Rng(42, 1, 2)));
});

Deno.test("uniform and normal deviates have the right moments", () => {
  const r = new Rng(7);
  const n = 200_000;
  let s = 0, s2 = 0, zs = 0, zs2 = 0, zs4 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    const z = r.normal();
    zs += z;
    zs2 += z * z;
    zs4 += z ** 4;
  }
  ok(Math.abs(s / n - 0.5) < 0.005, `uniform mean ${s / n}`);
  ok(Math.abs(s2 / n - s * s / n / n - 1 / 12) < 0.002, "uniform variance");
  ok(Math.abs(zs / n) < 0.01, `normal mean ${zs / n}`);
  ok(Math.abs(zs2 / n - 1) < 0.015, `normal variance ${zs2 / n}`);
  ok(Math.abs(zs4 / n - 3) < 0.1, `normal kurtosis ${zs4 / n}`);
  for (let i = 0; i < 1000; i++) {
    const k = r.int(-3, 3);
    ok(Number.isInteger(k) && k >= -3 && k <= 3);
  }
});
