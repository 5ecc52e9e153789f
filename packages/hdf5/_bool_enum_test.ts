import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { lookup3 } from "./_bool_enum.ts";
import { H5Reader, H5Writer } from "./h5.ts";

Deno.test("lookup3 matches Bob Jenkins' published test values", () => {
  const enc = new TextEncoder();
  strictEqual(lookup3(new Uint8Array(0)), 0xdeadbeef);
  strictEqual(lookup3(new Uint8Array(0), 0xdeadbeef), 0xbd5b7dde);
  strictEqual(lookup3(enc.encode("Four score and seven years ago")), 0x17770551);
  strictEqual(lookup3(enc.encode("Four score and seven years ago"), 1), 0xcd628161);
});

Deno.test("bool datasets are written as h5py's FALSE/TRUE enum and read back as bool", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-bool-" });
  try {
    const path = `${dir}/b.h5`;
    const w = await H5Writer.create(path);
    w.setAttrs({ FILE_TYPE: "ifgramStack" });
    w.writeWhole("dropIfgram", new Uint8Array([1, 1, 0, 1, 0]), { dtype: "bool" });
    w.create("phase", [4, 30, 20], "<f", { compression: "gzip" });
    w.write("phase", [[0, 4]], new Float32Array(2400).fill(1.5));
    w.create("mask", [30, 20], "bool", { chunks: [10, 20], compression: "gzip" });
    const m = Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    w.write("mask", [[0, 15], [0, 20]], m.subarray(0, 300));
    w.write("mask", [[15, 30], [0, 20]], m.subarray(300));
    w.create("cc", [2, 30, 20], "<h", { compression: "lzf", chunks: [1, 30, 20] });
    w.write("cc", [[0, 2]], new Int16Array(1200).fill(1));
    w.commit();
    const r = await H5Reader.open(path);
    try {
      strictEqual(r.info("dropIfgram").dtype, "bool");
      deepStrictEqual(Array.from(r.read("dropIfgram")), [1, 1, 0, 1, 0]);
      strictEqual(r.info("mask").dtype, "bool");
      deepStrictEqual(Array.from(r.read("mask")), Array.from(m));
      strictEqual(r.info("cc").filters.length, 1);
      deepStrictEqual(Array.from(new Set(r.read("cc"))), [1]);
      deepStrictEqual(Array.from(new Set(r.read("phase"))), [1.5]);
      strictEqual(r.attrs().FILE_TYPE, "ifgramStack");
    } finally {
      r.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
