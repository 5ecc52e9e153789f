import { createWasmSolver } from "@vinsar/backend-wasm";
import { createTsSolver } from "@vinsar/backend-ts";
const w = await createWasmSolver(), ts = createTsSolver();
const K = 300, N = 98, lanes = 131;
const d1 = Int32Array.from({ length: K }, (_, k) => k % 97), d2 = Int32Array.from({ length: K }, (_, k) => (k % 97) + 1);
const obs = Float64Array.from({ length: K * lanes }, () => (Math.random() - 0.5) * 40), use = Float64Array.from({ length: K * lanes }, () => Math.random() < 0.9 ? 1 : 0);
const tsd = Float64Array.from({ length: N * lanes }, () => (Math.random() - 0.5) * 40);
const a = new Float64Array(lanes), b = new Float64Array(lanes);
ts.temporalCoherence(K, N, lanes, d1, d2, obs, use, tsd, a); w.temporalCoherence(K, N, lanes, d1, d2, obs, use, tsd, b);
let same = 0, maxd = 0; for (let p = 0; p < lanes; p++) { if (a[p] === b[p]) same++; maxd = Math.max(maxd, Math.abs(a[p]! - b[p]!)); }
console.log("temporalCoherence identical", same, "/", lanes, "max diff", maxd);
