import { encode } from "fast-png";
import { H5Reader } from "@vinsar/hdf5";
const [file, dset, idxs, out, lo, hi] = Deno.args;
const r = await H5Reader.open(file!);
const shape = r.info(dset!).shape;
const L = shape[shape.length - 2]!, W = shape[shape.length - 1]!;
const data = shape.length === 3 ? r.read(dset!, [[Number(idxs), Number(idxs) + 1]]) : r.read(dset!);
let mn = Number(lo), mx = Number(hi);
if (!Number.isFinite(mn)) { mn = Infinity; mx = -Infinity; for (const v of data) if (v !== 0 && Number.isFinite(v)) { mn = Math.min(mn, v); mx = Math.max(mx, v); } }
const px = new Uint8Array(L * W * 3);
for (let i = 0; i < L * W; i++) {
  const v = data[i]!;
  if (v === 0 || !Number.isFinite(v)) { px.set([0, 0, 0], 3 * i); continue; }
  const t = Math.min(1, Math.max(0, (v - mn) / (mx - mn)));
  // simple jet-like colormap
  const rr = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 3))), gg = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 2))), bb = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 1)));
  px.set([rr * 255, gg * 255, bb * 255], 3 * i);
}
Deno.writeFileSync(out!, encode({ width: W, height: L, data: px, channels: 3 }));
console.log(dset, idxs, "range", mn, mx);
