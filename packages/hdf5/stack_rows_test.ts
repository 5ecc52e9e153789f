import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { H5Reader, H5Writer } from "./mod.ts";
import { IO_PIECE_BYTES, readStackRows, stackPieces, writeStackRows } from "./stack_rows.ts";

Deno.test("stackPieces cover every value once, at dateStride apart, in pieces of at most 4 MB", () => {
  const cases: Array<[[number, number], [number, number], number, number]> = [
    [[0, 7], [3, 9], 10, 60], // several dates per piece, contiguous
    [[2, 9], [0, 4], 5, 27], // several dates per piece, padded
    [[0, 3], [0, 1200], 1000, 1200 * 1000 + 16], // one date's rows split, padded
  ];
  for (const [dates, rows, width, stride] of cases) {
    const lanes = (rows[1] - rows[0]) * width;
    const seen = new Map<number, number>();
    for (const p of stackPieces(dates, rows, width, stride)) {
      ok(p.size * 4 <= IO_PIECE_BYTES, "piece size");
      strictEqual(p.size, (p.d1 - p.d0) * (p.r1 - p.r0) * width);
      // Value (d, r, x) of the piece lands at (d - date0) * stride + (r - row0) * width + x.
      for (let d = p.d0; d < p.d1; d++) {
        for (let r = p.r0; r < p.r1; r++) {
          const at = (d - dates[0]) * stride + (r - rows[0]) * width;
          strictEqual(
            at,
            p.offset + (d - p.d0) * stride + (r - p.r0) * width,
            `piece offset of date ${d} row ${r}`,
          );
          seen.set(at, (seen.get(at) ?? 0) + 1);
        }
      }
    }
    strictEqual(seen.size, (dates[1] - dates[0]) * (rows[1] - rows[0]), "every row once");
    ok([...seen.values()].every((c) => c === 1));
    ok(stride >= lanes);
  }
});

Deno.test("readStackRows / writeStackRows with a date stride round-trip a block, padding untouched", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-stack-" });
  try {
    const [N, L, W] = [6, 9, 7];
    const all = Float32Array.from({ length: N * L * W }, (_, i) => i * 0.5 - 3);
    const w = await H5Writer.create(`${dir}/s.h5`);
    w.create("timeseries", [N, L, W], "<f", { chunks: [4, 4, W] });
    w.write("timeseries", [[0, N], [0, L], [0, W]], all);
    w.commit();
    const r = await H5Reader.open(`${dir}/s.h5`);
    const dates: [number, number] = [1, 5], rows: [number, number] = [2, 7];
    const lanes = (rows[1] - rows[0]) * W, stride = lanes + 3;
    const block = new Float32Array(4 * stride).fill(-9);
    readStackRows(r, "timeseries", dates, rows, W, block, stride);
    r.close();
    for (let d = dates[0]; d < dates[1]; d++) {
      for (let y = rows[0]; y < rows[1]; y++) {
        for (let x = 0; x < W; x++) {
          const got = block[(d - dates[0]) * stride + (y - rows[0]) * W + x];
          strictEqual(got, all[(d * L + y) * W + x], `(${d}, ${y}, ${x})`);
        }
      }
      const pad = block.subarray((d - dates[0]) * stride + lanes, (d - dates[0] + 1) * stride);
      deepStrictEqual(Array.from(pad), [-9, -9, -9]);
    }
    // Written back from the strided block into a fresh file: the same values.
    const w2 = await H5Writer.create(`${dir}/t.h5`);
    w2.create("timeseries", [N, L, W], "<f", { chunks: [4, 4, W] });
    writeStackRows(w2, "timeseries", dates, rows, W, block, stride);
    w2.commit();
    const r2 = await H5Reader.open(`${dir}/t.h5`);
    const back = r2.read("timeseries", [dates, rows]);
    r2.close();
    const want = Float32Array.from(
      { length: back.length },
      (_, i) => {
        const d = Math.floor(i / lanes), rest = i % lanes;
        return all[((dates[0] + d) * L + rows[0]) * W + rest]!;
      },
    );
    deepStrictEqual(Array.from(back), Array.from(want));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
