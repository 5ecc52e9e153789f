/**
 * How `kernels.wasm` is built: the C sources, the exact clang flags, and the hash of both
 * that `kernels.hash` records. Shared by `build.ts` and the staleness test, so changing a
 * source or a flag without rebuilding fails `deno test`.
 * @module
 */

/** C sources in `src/`, compiled together in this order. */
export const SOURCES: readonly string[] = [
  "dgemm.c",
  "normal_equations.c",
  "sparse_cholesky.c",
  "temporal_coherence.c",
];

/** Headers in `src/` (part of the hash, not of the command line). */
export const HEADERS: readonly string[] = ["kernels.h"];

/**
 * clang flags. Fixed, with no path or timestamp, so the output is byte-reproducible:
 * `--strip-all` drops the name and producers sections. No relaxed SIMD: its FMA opcodes
 * from clang 14 do not validate in Deno's V8.
 */
export const CLANG_FLAGS: readonly string[] = [
  "--target=wasm32",
  "-nostdlib",
  "-ffreestanding",
  "-O3",
  "-msimd128",
  "-mbulk-memory",
  "-std=c11",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-Wl,--no-entry",
  "-Wl,--export=__heap_base",
  "-Wl,-z,stack-size=65536",
  "-Wl,--strip-all",
];

/** Folder of this package (a file URL ending in "/"). */
export const PACKAGE_DIR: URL = new URL("./", import.meta.url);

/** sha-256 in lowercase hex. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Hash of the build inputs: the flags, then each source and header by name and content.
 * @param readSource reads `src/<name>` (defaults to this package's folder).
 */
export async function sourceHash(
  readSource: (name: string) => Promise<Uint8Array> = (name) =>
    Deno.readFile(new URL(`src/${name}`, PACKAGE_DIR)),
): Promise<string> {
  const parts: string[] = [`flags ${JSON.stringify(CLANG_FLAGS)}\n`];
  for (const name of [...SOURCES, ...HEADERS]) {
    const text = new TextDecoder().decode(await readSource(name));
    parts.push(`file ${name} ${text.length}\n${text}\n`);
  }
  return await sha256Hex(parts.join(""));
}

/** The recorded build: `kernels.hash` holds one `key value` pair per line. */
export interface BuildRecord {
  /** {@link sourceHash} of the sources the committed wasm was built from. */
  sources: string;
  /** sha-256 of `kernels.wasm`. */
  wasm: string;
  /** First line of `clang --version` that built it. */
  clang: string;
}

/** Parse the text of `kernels.hash`. */
export function parseBuildRecord(text: string): BuildRecord {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(" ");
    if (i > 0) map.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return {
    sources: map.get("sources") ?? "",
    wasm: map.get("wasm") ?? "",
    clang: map.get("clang") ?? "",
  };
}

/** Text of `kernels.hash` for a build. */
export function formatBuildRecord(r: BuildRecord): string {
  return `sources ${r.sources}\nwasm ${r.wasm}\nclang ${r.clang}\n`;
}
