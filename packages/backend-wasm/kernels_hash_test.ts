/**
 * The committed `kernels.wasm` must be the build of the committed sources: `kernels.hash`
 * records the hash of the sources and flags (recomputed here from `src/` and
 * `build_config.ts`) and the sha-256 of the wasm. A source edited without
 * `deno task build:wasm` fails here, even where clang is not installed.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  CLANG_FLAGS,
  PACKAGE_DIR,
  parseBuildRecord,
  sha256Hex,
  sourceHash,
} from "./build_config.ts";
import { KERNELS_WASM_SHA256 } from "./kernels_wasm.ts";
import { kernelsWasmBytes } from "./mod.ts";

const record = parseBuildRecord(await Deno.readTextFile(new URL("kernels.hash", PACKAGE_DIR)));

Deno.test("kernels.hash matches the C sources and build flags", async () => {
  strictEqual(
    await sourceHash(),
    record.sources,
    "src/ or the flags changed since kernels.wasm was built: run `deno task build:wasm`",
  );
});

Deno.test("kernels.hash matches the committed kernels.wasm", async () => {
  const wasm = await Deno.readFile(new URL("kernels.wasm", PACKAGE_DIR));
  strictEqual(await sha256Hex(wasm), record.wasm, "kernels.wasm is not the recorded build");
});

Deno.test("kernels_wasm.ts embeds exactly the committed kernels.wasm", async () => {
  const wasm = await Deno.readFile(new URL("kernels.wasm", PACKAGE_DIR));
  strictEqual(KERNELS_WASM_SHA256, record.wasm);
  const embedded = kernelsWasmBytes();
  strictEqual(embedded.length, wasm.length);
  ok(embedded.every((b, i) => b === wasm[i]), "embedded bytes differ from kernels.wasm");
});

Deno.test("the source hash changes with any source byte or flag", async () => {
  const read = (name: string) => Deno.readFile(new URL(`src/${name}`, PACKAGE_DIR));
  const base = await sourceHash(read);
  const edited = await sourceHash(async (name) => {
    const bytes = await read(name);
    return name === "sparse_cholesky.c" ? Uint8Array.of(...bytes, 10) : bytes;
  });
  ok(base !== edited, "an edit to a source changes the hash");
  ok(CLANG_FLAGS.includes("-msimd128") && !CLANG_FLAGS.some((f) => f.includes("relaxed")));
});

Deno.test("kernels.wasm validates, exports every kernel and imports only its shared memory", async () => {
  const module = await WebAssembly.compile(
    await Deno.readFile(new URL("kernels.wasm", PACKAGE_DIR)),
  );
  const exports = WebAssembly.Module.exports(module).map((e) => e.name).sort();
  for (
    const name of [
      "__heap_base",
      "dgemm",
      "sparse_cholesky_solve",
      "assemble_normal_equations",
      "temporal_coherence",
      "grouped_squared_norms",
      "ramp_row_sums",
      "masked_square_sums",
      "fit_series_f32",
      "remove_ramp_rows",
    ]
  ) ok(exports.includes(name), `export ${name}`);
  deepStrictEqual(WebAssembly.Module.imports(module), [
    { module: "env", name: "memory", kind: "memory" },
  ]);
});
