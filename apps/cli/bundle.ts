/**
 * `deno task bundle`: writes the single-file CLI `dist/vinsar.js` and, beside it,
 * `dist/plugins/` with the HDF5 LZF filter (a 6 KB wasm side module h5wasm loads at run
 * time; it cannot live inside the JavaScript bundle). Run the result with
 * `deno run -A dist/vinsar.js <command> ...`.
 * @module
 */
import { dirname } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = new URL("../../", import.meta.url);
const dist = new URL("dist/", root);
Deno.mkdirSync(new URL("plugins/", dist), { recursive: true });
const { code } = await new Deno.Command(Deno.execPath(), {
  args: [
    "bundle",
    "--platform",
    "deno",
    "-o",
    fromFileUrl(new URL("vinsar.js", dist)),
    fromFileUrl(new URL("apps/cli/main.ts", root)),
  ],
  cwd: fromFileUrl(root),
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (code !== 0) Deno.exit(code);
const plugins = dirname(fromFileUrl(import.meta.resolve("h5wasm-plugins"))) + "/plugins";
Deno.copyFileSync(`${plugins}/libH5Zlzf.so`, fromFileUrl(new URL("plugins/libH5Zlzf.so", dist)));
console.log("wrote dist/vinsar.js and dist/plugins/libH5Zlzf.so");
