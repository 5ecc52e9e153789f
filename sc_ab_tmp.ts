import { buildNetwork, planNetworkSystem } from "@vinsar/core";
import { createTsSolver } from "@vinsar/backend-ts";
const inst = await WebAssembly.instantiate(await WebAssembly.compile(await Deno.readFile("/tmp/wt/old/both.wasm")), {});
const ex = inst.exports as any; const mem = ex.memory as WebAssembly.Memory;
const N = 98, dates = Array.from({ length: N }, (_, i) => new Date(Date.UTC(2018, 0, 3 + 12 * i)).toISOString().slice(0, 10).replaceAll("-", ""));
const pairs: Array<[string, string]> = [];
for (let i = 0; i < N; i++) for (let j = i + 1; j <= i + 3 && j < N; j++) pairs.push([dates[i]!, dates[j]!]);
for (let i = 0; i + 30 < N && pairs.length < 300; i += 6) pairs.push([dates[i]!, dates[i + 30]!]);
const net = buildNetwork(pairs); const { plan, scatter } = planNetworkSystem(net);
mem.grow(400);
let off = 1 << 20;
const put = (a: Int32Array) => { const o = off; new Int32Array(mem.buffer).set(a, o >> 2); off += a.length * 4 + 64 & ~15; return o; };
const [cp, ri, up, ut, ua, ub] = [plan.colPtr, plan.rowIdx, plan.updPtr, plan.updTarget, plan.updA, plan.updB].map(put);
const ts = createTsSolver();
for (const lanes of [64, 128, 256, 512]) {
  const K = net.date1.length;
  const obs = Float64Array.from({ length: K * lanes }, () => Math.random()), wt = Float64Array.from({ length: K * lanes }, () => 0.2 + Math.random());
  const v = new Float64Array(plan.nnz * lanes), r = new Float64Array(plan.n * lanes);
  ts.assembleNormalEquations(plan, scatter, lanes, obs, wt, v, r);
  const oV = off, oR = oV + v.length * 8, oS = oR + r.length * 8, oT = oS + lanes + 64 & ~15;
  const f64 = new Float64Array(mem.buffer);
  const res: string[] = [];
  for (const which of ["old", "packed", "old", "packed"]) {
    let best = Infinity;
    for (let i = 0; i < 300; i++) {
      f64.set(v, oV >> 3); f64.set(r, oR >> 3);
      const t = performance.now();
      if (which === "old") ex.sparse_cholesky_solve(plan.n, cp, ri, up, ut, ua, ub, lanes, oV, oR, oS);
      else ex.packed_solve(plan.n, plan.nnz, cp, ri, up, ut, ua, ub, lanes, oV, oR, oS, oT);
      best = Math.min(best, performance.now() - t);
    }
    res.push(`${which} ${(best / lanes * 1000).toFixed(3)}`);
  }
  console.log(lanes, res.join("  "), "us/pixel");
}
