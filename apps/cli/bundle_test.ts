/**
 * `deno task bundle` output runs its worker pool: the bundle is written to a scratch folder,
 * run from a folder outside the repository on a small simulated stack with `--workers 2`, and
 * must start its workers (no fall-back to one thread) and write the same files as the
 * source run, and the chart of `timeseries_rms` as PNG and PDF (its font and resvg's
 * WebAssembly read from beside the bundle, the chart thread from `chart_worker.js`).
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { dirname } from "node:path";
import { H5Reader } from "@vinsar/hdf5";
import { BUNDLE_ENTRIES, bundleAssets, bundleCli } from "./bundle.ts";

const SOURCE_CLI = new URL("./main.ts", import.meta.url).pathname;
/** Whether `timeseries_rms` starts the chart engine early (`preloadCharts`). */
const STEP_PRELOADS = Deno.readTextFileSync(
  new URL("../../packages/steps/timeseries_rms/mod.ts", import.meta.url),
).includes("preloadCharts(");

/** Run `deno run -A <cli> <args>` in `cwd` at debug level; exit code and all it printed. */
async function run(
  cli: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", VINSAR_LOG: "debug", ...env },
  }).output();
  const text = new TextDecoder();
  return { code: r.code, out: text.decode(r.stdout) + text.decode(r.stderr) };
}

/** The bytes of a typed array. */
function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Assert two HDF5 files hold the same datasets, bit for bit, and the same root attributes. */
async function assertSameH5(a: string, b: string): Promise<void> {
  const [ra, rb] = [await H5Reader.open(a), await H5Reader.open(b)];
  try {
    // FILE_PATH names the run folder (MintPy writes it so): the same but for the folder.
    const attrs = (r: H5Reader, folder: string) => {
      const all = r.attrs();
      if (all.FILE_PATH) all.FILE_PATH = all.FILE_PATH.replace(folder, "<run>");
      return all;
    };
    deepStrictEqual(attrs(rb, dirname(b)), attrs(ra, dirname(a)), `${b}: attributes`);
    const names = ra.datasets().sort();
    deepStrictEqual(rb.datasets().sort(), names, `${b}: datasets`);
    ok(names.length > 0, `${a}: no datasets`);
    for (const name of names) {
      const info = ra.info(name);
      deepStrictEqual(rb.info(name).shape, info.shape, `${b}: ${name} shape`);
      if (/^S|string/i.test(info.dtype)) {
        deepStrictEqual(rb.readStrings(name), ra.readStrings(name), `${b}: ${name}`);
        continue;
      }
      const [x, y] = [bytesOf(ra.read(name)), bytesOf(rb.read(name))];
      strictEqual(y.length, x.length, `${b}: ${name} size`);
      const at = x.findIndex((v, i) => v !== y[i]);
      strictEqual(at, -1, `${b}: ${name} differs from the source run's at byte ${at}`);
    }
  } finally {
    ra.close();
    rb.close();
  }
}

Deno.test("the bundle (dist/vinsar.js + worker.js) runs its steps on worker threads", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "vinsar-bundle-" });
  try {
    const dist = `${dir}/dist`;
    await bundleCli(dist, { quiet: true });
    const written = [...Object.keys(BUNDLE_ENTRIES), ...Object.keys(bundleAssets())];
    for (const file of ["plugins/libH5Zlzf.so", "fonts/DejaVuSans.ttf", "resvg/index_bg.wasm"]) {
      ok(written.includes(file), `${file} not among the bundle's files`);
    }
    for (const file of written) {
      ok(Deno.statSync(`${dist}/${file}`).size > 0, `${file} not written`);
    }
    const bundle = `${dist}/vinsar.js`;
    // One stack (LZF-compressed connectComponent, as MintPy writes it), two run folders
    // outside the repository: one for the source CLI, one for the bundle.
    Deno.mkdirSync(`${dir}/src`);
    Deno.mkdirSync(`${dir}/bun`);
    const sim = await run(SOURCE_CLI, [
      "simulate",
      ...["--length", "60", "--width", "80", "--dates", "12", "--no-truth", "--lzf-cc"],
    ], `${dir}/src`);
    strictEqual(sim.code, 0, sim.out);
    Deno.copyFileSync(`${dir}/src/ifgramStack.h5`, `${dir}/bun/ifgramStack.h5`);

    /** Run `args` from source and from the bundle; both outputs (the bundle's checked). */
    const both = async (
      args: string[],
      env?: Record<string, string>,
    ): Promise<[string, string]> => {
      const src = await run(SOURCE_CLI, args, `${dir}/src`, env);
      strictEqual(src.code, 0, src.out);
      const bun = await run(bundle, args, `${dir}/bun`, env);
      strictEqual(bun.code, 0, bun.out);
      ok(!/Module not found|workers? (threads )?unavailable/.test(bun.out), bun.out);
      return [src.out, bun.out];
    };

    await t.step("ifgram_inversion --workers 2: 2 threads, the source run's outputs", async () => {
      const args = ["ifgram_inversion", "ifgramStack.h5", "-w", "var", "--workers", "2"];
      const [src, bun] = await both([...args, "--backend", "wasm"]);
      for (const out of [src, bun]) ok(/\b2 thread\(s\) inverting/.test(out), out);
      for (const f of ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"]) {
        await assertSameH5(`${dir}/src/${f}`, `${dir}/bun/${f}`);
      }
    });

    await t.step("without worker.js, the bundle warns and inverts in one thread", async () => {
      // The workers started with the command cannot load: they must not end the process.
      const lone = `${dir}/lone`;
      Deno.mkdirSync(`${lone}/dist`, { recursive: true });
      Deno.mkdirSync(`${lone}/run`);
      for (const e of Deno.readDirSync(dist)) {
        if (e.name !== "worker.js") Deno.symlinkSync(`${dist}/${e.name}`, `${lone}/dist/${e.name}`);
      }
      Deno.copyFileSync(`${dir}/src/ifgramStack.h5`, `${lone}/run/ifgramStack.h5`);
      const args = ["ifgram_inversion", "ifgramStack.h5", "-w", "var", "--workers", "2"];
      const r = await run(`${lone}/dist/vinsar.js`, [...args, "--backend", "wasm"], `${lone}/run`);
      strictEqual(r.code, 0, r.out);
      ok(/worker threads unavailable/.test(r.out), r.out);
      for (const f of ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"]) {
        await assertSameH5(`${dir}/src/${f}`, `${lone}/run/${f}`);
      }
    });

    await t.step("timeseries2velocity and timeseries_rms --workers 2 on the pool", async () => {
      const [, fit] = await both([
        ...["timeseries2velocity", "timeseries.h5", "-o", "velocity.h5", "--save-res"],
        ...["--workers", "2", "--backend", "ts"],
      ]);
      ok(/\b1 worker\b/.test(fit), fit);
      await assertSameH5(`${dir}/src/velocity.h5`, `${dir}/bun/velocity.h5`);
      await assertSameH5(
        `${dir}/src/timeseriesResidual.h5`,
        `${dir}/bun/timeseriesResidual.h5`,
      );
      // The chart thread (chart_worker.js), whatever the machine's core count.
      const [, rms] = await both([
        ...["timeseries_rms", "timeseriesResidual.h5", "-r", "quadratic"],
        ...["--workers", "2", "--backend", "ts"],
      ], { VINSAR_CHART_THREAD: "1" });
      ok(/\b2 workers\b/.test(rms), rms);
      const rmsFile = [...Deno.readDirSync(`${dir}/src`)].map((e) => e.name)
        .find((n) => /^rms_.*\.txt$/.test(n));
      ok(rmsFile, "timeseries_rms wrote no rms_*.txt");
      strictEqual(
        Deno.readTextFileSync(`${dir}/bun/${rmsFile}`),
        Deno.readTextFileSync(`${dir}/src/${rmsFile}`),
      );
      // The chart, drawn by the bundle: on its chart thread when the step preloads one.
      ok(!/chart thread unavailable/.test(rms), rms);
      if (STEP_PRELOADS) ok(/chart drawn on the chart thread/.test(rms), rms);
      const chart = `${dir}/bun/${rmsFile.replace(/\.txt$/, "")}`;
      const png = Deno.readFileSync(`${chart}.png`);
      deepStrictEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "not a PNG");
      ok(png.length > 5000, `${chart}.png: ${png.length} bytes`);
      const pdf = new TextDecoder().decode(Deno.readFileSync(`${chart}.pdf`));
      ok(pdf.startsWith("%PDF-") && pdf.trimEnd().endsWith("%%EOF"), `${chart}.pdf: not a PDF`);
      ok(pdf.includes("DejaVuSans"), `${chart}.pdf: DejaVu Sans not embedded`);
      strictEqual(
        Deno.readTextFileSync(`${chart}.svg`),
        Deno.readTextFileSync(`${chart.replace("/bun/", "/src/")}.svg`),
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
