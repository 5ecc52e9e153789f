/**
 * Corrupt, huge and degenerate inputs through the CLI (issue 15, item 6): each is a one-line
 * error (exit 2) naming the file and the cause with nothing written, or a run with sane
 * outputs; never silent zeros, a crash or an allocation the machine cannot make.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { H5Reader, H5Writer } from "@vinsar/hdf5";
import {
  TEST_DATES,
  TEST_PAIRS,
  TEST_SHAPE,
  testPhase,
  writeTestStack,
} from "@vinsar/hdf5/testing";

const CLI = new URL("./main.ts", import.meta.url).pathname;

async function vinsar(args: string[], cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

/** The last line of stderr, checked to be the only `vinsar <cmd>:` error line. */
function lastError(stderr: string): string {
  const lines = stderr.trim().split("\n");
  const errors = lines.filter((l) => /^vinsar \S+: /.test(l));
  strictEqual(errors.length, 1, stderr);
  strictEqual(errors[0], lines[lines.length - 1], stderr);
  // Printed: docs/reliability.md quotes these lines.
  console.log(errors[0]);
  return errors[0]!;
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Offsets and lengths of the zlib streams (gzip-filtered chunks) in an HDF5 file. */
function zlibStreams(bytes: Uint8Array): Array<{ at: number; length: number }> {
  const found: Array<{ at: number; length: number }> = [];
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] !== 0x78 || ((0x78 << 8) | bytes[i + 1]!) % 31 !== 0) continue;
    try {
      const r = inflateSync(bytes.subarray(i, i + (1 << 20)), { info: true }) as unknown as {
        engine: { bytesWritten: number };
      };
      found.push({ at: i, length: r.engine.bytesWritten });
      i += r.engine.bytesWritten - 1;
    } catch { /* not a stream */ }
  }
  return found;
}

/** A test stack whose unwrapPhase is gzip-compressed in chunks of (1, 3, W). */
function writeGzipStack(path: string): Promise<void> {
  return writeStack(path, { gzip: true });
}

/**
 * A test stack (attributes as `writeTestStack`'s, every interferogram kept), unwrapPhase
 * gzip-compressed in chunks of (1, 3, W) when `gzip`; `edit` changes the values first.
 */
async function writeStack(
  path: string,
  opts: { gzip?: boolean; edit?: (phase: Float32Array, coh: Float32Array) => void } = {},
): Promise<void> {
  const { K, L, W } = TEST_SHAPE;
  const w = await H5Writer.create(path);
  w.setAttrs({
    FILE_TYPE: "ifgramStack",
    LENGTH: String(L),
    WIDTH: String(W),
    WAVELENGTH: "0.0555",
    REF_Y: "2",
    REF_X: "3",
    UNIT: "radian",
    ALOOKS: "2",
    RLOOKS: "8",
  });
  w.writeWhole("date", TEST_PAIRS.flatMap(([a, b]) => [TEST_DATES[a]!, TEST_DATES[b]!]), {
    shape: [K, 2],
  });
  w.writeWhole("dropIfgram", Uint8Array.from({ length: K }, () => 1));
  w.writeWhole("bperp", Float32Array.from(TEST_PAIRS, ([a, b]) => 10 * (b - a)));
  const phase = new Float32Array(K * L * W), coh = new Float32Array(K * L * W).fill(0.8);
  for (let k = 0; k < K; k++) {
    for (let y = 0; y < L; y++) {
      for (let x = 0; x < W; x++) phase[(k * L + y) * W + x] = testPhase(k, y, x);
    }
  }
  opts.edit?.(phase, coh);
  w.create("unwrapPhase", [K, L, W], "<f", {
    chunks: [1, 3, W],
    compression: opts.gzip ? "gzip" : null,
  });
  w.write("unwrapPhase", [[0, K]], phase);
  w.create("coherence", [K, L, W], "<f");
  w.write("coherence", [[0, K]], coh);
  w.commit();
}

Deno.test("a truncated stack: one-line error naming the file, nothing written", async () => {
  await inTempDir(async (dir) => {
    await writeTestStack(`${dir}/full.h5`);
    const bytes = Deno.readFileSync(`${dir}/full.h5`);
    Deno.removeSync(`${dir}/full.h5`);
    for (const keep of [0.5, 0.9]) {
      Deno.writeFileSync(`${dir}/stack.h5`, bytes.subarray(0, Math.floor(bytes.length * keep)));
      const r = await vinsar(["ifgram_inversion", "stack.h5", "-w", "no"], dir);
      strictEqual(r.code, 2, r.stderr);
      const line = lastError(r.stderr);
      ok(
        /^vinsar ifgram_inversion: stack\.h5: .*(file truncated|the file is truncated)/.test(line),
        line,
      );
      deepStrictEqual(names(dir), ["stack.h5"]);
    }
  });
});

Deno.test("a bit-flipped gzip chunk: 'compressed chunk N of /dataset is corrupt', never zeros", async () => {
  // The fixture of make_compressed.py: cc_gzip in chunks of (2, 5, 17).
  const fixture = new URL("../../test-data/compressed.h5", import.meta.url).pathname;
  await inTempDir(async (dir) => {
    const bytes = Deno.readFileSync(fixture);
    const good = await H5Reader.open(fixture);
    const expected = good.read("cc_gzip");
    good.close();
    const streams = zlibStreams(bytes);
    ok(streams.length >= 9, `${streams.length} zlib streams`);
    const s = streams[2]!;
    const copy = bytes.slice();
    copy[s.at + Math.floor(s.length / 2)]! ^= 0x10;
    Deno.writeFileSync(`${dir}/flipped.h5`, copy);
    const r = await H5Reader.open(`${dir}/flipped.h5`);
    try {
      let message = "";
      try {
        r.read("cc_gzip");
      } catch (e) {
        message = (e as Error).message;
      }
      const m = /^(\S+): compressed chunk (\d+) of \/cc_gzip is corrupt \(deflate\)$/.exec(message);
      ok(m, message);
      strictEqual(m[1], `${dir}/flipped.h5`);
      // Chunk N (C order over the 3 x 3 x 1 grid) fails alone; every other chunk reads right.
      const n = Number(m[2]);
      const [K, L, W] = [5, 13, 17], [cK, cL] = [2, 5];
      let failed = 0;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const box: Array<[number, number]> = [[a * cK, Math.min(K, a * cK + cK)], [
            b * cL,
            Math.min(L, b * cL + cL),
          ]];
          let got: ArrayLike<number> | null = null;
          try {
            got = r.read("cc_gzip", box);
          } catch (e) {
            ok(/compressed chunk \d+ of \/cc_gzip is corrupt/.test((e as Error).message));
          }
          if (a * 3 + b === n) {
            strictEqual(got, null, `chunk ${n} must fail`);
            failed++;
            continue;
          }
          ok(got, `chunk ${a * 3 + b} must read`);
          let i = 0;
          for (let k = box[0][0]; k < box[0][1]; k++) {
            for (let y = box[1][0]; y < box[1][1]; y++) {
              for (let x = 0; x < W; x++) {
                strictEqual(got[i++], expected[(k * L + y) * W + x]);
              }
            }
          }
        }
      }
      strictEqual(failed, 1);
      // readInto (the block readers' path) says the same.
      let intoMessage = "";
      try {
        r.readInto("cc_gzip", [], new Int16Array(K * L * W));
      } catch (e) {
        intoMessage = (e as Error).message;
      }
      strictEqual(intoMessage, message);
    } finally {
      r.close();
    }
  });
});

Deno.test("ifgram_inversion on a stack with a corrupt gzip chunk: exit 2, one line, no outputs", async () => {
  await inTempDir(async (dir) => {
    await writeGzipStack(`${dir}/stack.h5`);
    const bytes = Deno.readFileSync(`${dir}/stack.h5`);
    const streams = zlibStreams(bytes);
    strictEqual(streams.length, TEST_SHAPE.K * 2, "7 x 2 gzip chunks");
    // Rows 3-5 of interferogram 2: not the reference pixel's rows (REF_Y = 2), so the row
    // units' readers meet it first, not the main thread.
    const s = streams[5]!;
    bytes[s.at + Math.floor(s.length / 2)]! ^= 0x01;
    Deno.writeFileSync(`${dir}/stack.h5`, bytes);
    // In process, and on 5 threads (only workers invert then: the main thread joins up to 4):
    // a worker's error is the same one line.
    for (const threads of [[], ["--workers", "5"]]) {
      const r = await vinsar(["ifgram_inversion", "stack.h5", "-w", "no", ...threads], dir);
      strictEqual(r.code, 2, r.stderr);
      const line = lastError(r.stderr);
      ok(
        /^vinsar ifgram_inversion: stack\.h5: compressed chunk \d+ of \/unwrapPhase is corrupt \(deflate\)$/
          .test(line),
        `${threads.join(" ")}: ${line}`,
      );
      deepStrictEqual(names(dir), ["stack.h5"]);
    }
  });
});

/** An HDF5 file whose datasets claim a 10^6 x 10^6 image, never written (a few KB). */
async function writeHugeFile(path: string, kind: "ifgramStack" | "timeseries"): Promise<void> {
  const L = 1_000_000, W = 1_000_000;
  const w = await H5Writer.create(path);
  w.setAttrs({
    FILE_TYPE: kind,
    LENGTH: String(L),
    WIDTH: String(W),
    WAVELENGTH: "0.0555",
    REF_Y: "2",
    REF_X: "3",
    UNIT: kind === "timeseries" ? "m" : "radian",
    ALOOKS: "2",
    RLOOKS: "8",
  });
  if (kind === "ifgramStack") {
    const K = TEST_PAIRS.length;
    w.writeWhole("date", TEST_PAIRS.flatMap(([a, b]) => [TEST_DATES[a]!, TEST_DATES[b]!]), {
      shape: [K, 2],
    });
    w.writeWhole("dropIfgram", Uint8Array.from({ length: K }, () => 1));
    w.writeWhole("bperp", Float32Array.from(TEST_PAIRS, ([a, b]) => 10 * (b - a)));
    for (const n of ["unwrapPhase", "coherence"]) {
      w.create(n, [K, L, W], "<f", { chunks: [1, 1, 4096] });
    }
  } else {
    w.writeWhole("date", TEST_DATES);
    w.writeWhole("bperp", new Float32Array(TEST_DATES.length));
    w.create("timeseries", [TEST_DATES.length, L, W], "<f", { chunks: [1, 1, 4096] });
  }
  w.commit();
}

Deno.test("huge LENGTH x WIDTH (10^6 x 10^6, never stored): refused at once, nothing written", async () => {
  await inTempDir(async (dir) => {
    await writeHugeFile(`${dir}/stack.h5`, "ifgramStack");
    await writeHugeFile(`${dir}/ts.h5`, "timeseries");
    for (
      const [args, file, dataset] of [
        [["ifgram_inversion", "stack.h5", "-w", "no"], "stack.h5", "unwrapPhase"],
        [["timeseries2velocity", "ts.h5"], "ts.h5", "timeseries"],
        [["timeseries_rms", "ts.h5"], "ts.h5", "timeseries"],
      ] as const
    ) {
      const r = await vinsar([...args], dir);
      strictEqual(r.code, 2, r.stderr);
      const line = lastError(r.stderr);
      const expected = `vinsar ${args[0]}: ${file}: dataset ${dataset} of shape (5, 1000000, ` +
        `1000000) holds 18 TB of <f values, which cannot fit in the file's `;
      ok(
        line.startsWith(
          expected.replace("(5,", `(${dataset === "unwrapPhase" ? 7 : 5},`)
            .replace("18 TB", dataset === "unwrapPhase" ? "25 TB" : "18 TB"),
        ),
        line,
      );
      ok(line.endsWith(": the file is truncated or the dataset was never written"), line);
      deepStrictEqual(names(dir), ["stack.h5", "ts.h5"]);
    }
  });
});

/** Every value of dataset `name` of `path`. */
async function readAll(path: string, name: string): Promise<Float32Array> {
  const r = await H5Reader.open(path);
  try {
    return Float32Array.from(r.read(name));
  } finally {
    r.close();
  }
}

Deno.test("NaN/Inf floods and all-zero coherence: runs finish, no Inf out, other pixels unchanged", async () => {
  const { K, L, W } = TEST_SHAPE;
  // Pixels (y, x) flooded with NaN in every interferogram, Inf in one, NaN in one.
  const nanPix = [[4, 4], [4, 5], [5, 4]], infPix = [[1, 1]], somePix = [[0, 6]];
  const flood = (phase: Float32Array) => {
    for (let k = 0; k < K; k++) {
      for (const [y, x] of nanPix) phase[(k * L + y!) * W + x!] = NaN;
    }
    for (const [y, x] of infPix) phase[(2 * L + y!) * W + x!] = Infinity;
    for (const [y, x] of somePix) phase[(3 * L + y!) * W + x!] = NaN;
  };
  const bad = new Set([...nanPix, ...infPix, ...somePix].map(([y, x]) => y! * W + x!));
  await inTempDir(async (dir) => {
    Deno.mkdirSync(`${dir}/clean`);
    Deno.mkdirSync(`${dir}/flood`);
    Deno.mkdirSync(`${dir}/zerocoh`);
    await writeStack(`${dir}/clean/stack.h5`);
    await writeStack(`${dir}/flood/stack.h5`, { edit: flood });
    await writeStack(`${dir}/zerocoh/stack.h5`, { edit: (_p, coh) => coh.fill(0) });
    for (const sub of ["clean", "flood", "zerocoh"]) {
      const weight = sub === "zerocoh" ? "var" : "no";
      const r = await vinsar(["ifgram_inversion", "stack.h5", "-w", weight], `${dir}/${sub}`);
      strictEqual(r.code, 0, `${sub}: ${r.stderr}`);
    }
    const cleanTs = await readAll(`${dir}/clean/timeseries.h5`, "timeseries");
    const floodTs = await readAll(`${dir}/flood/timeseries.h5`, "timeseries");
    const floodCoh = await readAll(`${dir}/flood/temporalCoherence.h5`, "temporalCoherence");
    ok(floodTs.every((v) => !Number.isFinite(v) ? Number.isNaN(v) : true), "no Inf in timeseries");
    ok(floodCoh.every((v) => Number.isNaN(v) || (v >= 0 && v <= 1)), "coherence in [0, 1]");
    // Pixels away from the flood invert as in the clean stack (the reference pixel is clean).
    const N = floodTs.length / (L * W);
    for (let n = 0; n < N; n++) {
      for (let p = 0; p < L * W; p++) {
        if (!bad.has(p)) strictEqual(floodTs[n * L * W + p], cleanTs[n * L * W + p]);
      }
    }
    const zeroTs = await readAll(`${dir}/zerocoh/timeseries.h5`, "timeseries");
    const zeroCoh = await readAll(`${dir}/zerocoh/temporalCoherence.h5`, "temporalCoherence");
    ok(zeroTs.every((v) => !(v === Infinity || v === -Infinity)), "no Inf (zero coherence)");
    ok(zeroCoh.every((v) => Number.isNaN(v) || (v >= 0 && v <= 1)), "coherence in [0, 1]");

    // The flooded time series through timeseries2velocity and timeseries_rms.
    const tsDir = `${dir}/flood`;
    for (
      const args of [
        ["timeseries2velocity", "timeseries.h5"],
        ["timeseries_rms", "timeseries.h5"],
      ]
    ) {
      const r = await vinsar(args, tsDir);
      strictEqual(r.code, 0, `${args[0]}: ${r.stderr}`);
    }
    const vel = await readAll(`${tsDir}/velocity.h5`, "velocity");
    ok(vel.every((v) => !(v === Infinity || v === -Infinity)), "no Inf in velocity");
    const rms = Deno.readTextFileSync(`${tsDir}/rms_timeseries_ramp.txt`);
    ok(!/inf/i.test(rms), rms);
  });
});
