/**
 * `deno task build:wasm [--check]`: compile `src/*.c` into `kernels.wasm` with the fixed
 * flags of `build_config.ts`, record the hashes in `kernels.hash` and embed the wasm in
 * `kernels_wasm.ts` (what `mod.ts` loads).
 * `--check` rebuilds into a temporary folder and exits 1 when the result differs from the
 * committed `kernels.wasm`, `kernels.hash` or `kernels_wasm.ts` (the committed build is
 * stale), writing
 * nothing.
 * @module
 */
import {
  type BuildRecord,
  CLANG_FLAGS,
  embeddedModuleText,
  formatBuildRecord,
  PACKAGE_DIR,
  parseBuildRecord,
  sha256Hex,
  sourceHash,
  SOURCES,
} from "./build_config.ts";

const CLANG = Deno.env.get("CLANG") ?? "clang";

async function clangVersion(): Promise<string> {
  const out = await new Deno.Command(CLANG, { args: ["--version"], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).split("\n")[0]!.trim();
}

/** Compile into `outPath`; returns the build record of the result. */
async function compile(outPath: string): Promise<BuildRecord> {
  const srcDir = new URL("src/", PACKAGE_DIR).pathname;
  // Relative source names and a fixed working folder: nothing machine-specific reaches
  // the compiler's output.
  const out = await new Deno.Command(CLANG, {
    args: [...CLANG_FLAGS, "-o", outPath, ...SOURCES],
    cwd: srcDir,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`clang failed (exit ${out.code})`);
  const wasm = await Deno.readFile(outPath);
  // Validate here so a module Deno's V8 would reject is never committed.
  await WebAssembly.compile(wasm);
  return { sources: await sourceHash(), wasm: await sha256Hex(wasm), clang: await clangVersion() };
}

async function main(args: string[]): Promise<number> {
  const check = args.includes("--check");
  const wasmPath = new URL("kernels.wasm", PACKAGE_DIR).pathname;
  const hashPath = new URL("kernels.hash", PACKAGE_DIR).pathname;
  const embedPath = new URL("kernels_wasm.ts", PACKAGE_DIR).pathname;
  try {
    await clangVersion();
  } catch {
    console.error(`build:wasm: ${CLANG} not found (install clang and lld, or set CLANG)`);
    return 1;
  }
  const tmp = await Deno.makeTempDir({ prefix: "vinsar-wasm-" });
  try {
    const built = await compile(`${tmp}/kernels.wasm`);
    if (check) {
      let committed: BuildRecord = { sources: "", wasm: "", clang: "" };
      let committedWasm = "", committedEmbed = "";
      try {
        committed = parseBuildRecord(await Deno.readTextFile(hashPath));
        committedWasm = await sha256Hex(await Deno.readFile(wasmPath));
        committedEmbed = await Deno.readTextFile(embedPath);
      } catch { /* missing files count as stale */ }
      const problems: string[] = [];
      if (committed.sources !== built.sources) {
        problems.push("kernels.hash does not match the sources and flags");
      }
      if (committedWasm !== built.wasm || committed.wasm !== built.wasm) {
        problems.push(
          `kernels.wasm differs from a fresh build (committed with "${committed.clang}", ` +
            `rebuilt with "${built.clang}")`,
        );
      }
      const fresh = embeddedModuleText(await Deno.readFile(`${tmp}/kernels.wasm`), built.wasm);
      if (committedEmbed !== fresh) problems.push("kernels_wasm.ts does not embed this build");
      if (problems.length) {
        console.error(
          `build:wasm --check: FAILED: ${problems.join("; ")}. Run \`deno task build:wasm\` ` +
            "and commit kernels.wasm, kernels.hash and kernels_wasm.ts.",
        );
        return 1;
      }
      console.log(
        `build:wasm --check: ok (kernels.wasm ${built.wasm.slice(0, 12)}, ${built.clang})`,
      );
      return 0;
    }
    await Deno.copyFile(`${tmp}/kernels.wasm`, wasmPath);
    await Deno.writeTextFile(hashPath, formatBuildRecord(built));
    await Deno.writeTextFile(
      embedPath,
      embeddedModuleText(await Deno.readFile(wasmPath), built.wasm),
    );
    const size = (await Deno.stat(wasmPath)).size;
    console.log(
      `build:wasm: wrote kernels.wasm (${size} bytes, sha-256 ${built.wasm.slice(0, 12)})`,
    );
    return 0;
  } catch (e) {
    console.error(`build:wasm: ${e instanceof Error ? e.message : e}`);
    return 1;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.exit(await main(Deno.args));
