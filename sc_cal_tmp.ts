import { createWasmSolver } from "@vinsar/backend-wasm";
import { createTsSolver } from "@vinsar/backend-ts";
const w = await createWasmSolver(), ts = createTsSolver();
for (const [m, n, k] of [[3, 256, 1000], [3, 64, 1000], [6, 512, 1000]]) {
  const a = Float64Array.from({ length: m * k }, Math.random), b = Float64Array.from({ length: k * n }, Math.random), c = new Float64Array(m * n);
  const res: string[] = [];
  for (const s of [ts, w, ts, w]) {
    for (let i = 0; i < 500; i++) s.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    let best = Infinity;
    for (let i = 0; i < 300; i++) { const t = performance.now(); s.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n); best = Math.min(best, performance.now() - t); }
    res.push(`${s.name} ${(best * 1000).toFixed(1)}us`);
  }
  console.log(m, n, k, res.join(" "));
}
