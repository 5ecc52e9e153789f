import { createWasmSolver } from "@vinsar/backend-wasm";
const w = await createWasmSolver({ profile: true });
const m = 8, n = 100000, k = 98;
const a = Float64Array.from({ length: m * k }, Math.random), b = Float64Array.from({ length: k * n }, Math.random), c = new Float64Array(m * n);
const out: string[] = [];
for (let i = 0; i < 15; i++) {
  for (const key in w.profile) delete w.profile[key];
  const t = performance.now(); w.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
  out.push(`${(performance.now() - t).toFixed(1)}(k${w.profile!.dgemm!.kernelMs.toFixed(1)})`);
}
console.log(out.join(" "));
