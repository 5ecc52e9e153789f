/**
 * Test helpers for `vinsar tsview` (its CLI test and the Chromium suite): start the CLI and
 * wait for its URL, stop it with SIGINT, and read a file's values independently of vinsar's
 * HDF5 layer (h5wasm directly) to check what the page shows.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import h5wasmNode from "h5wasm/node";

/** A `vinsar tsview` process serving its page. */
export interface RunningTsview {
  url: string;
  process: Deno.ChildProcess;
  /** Every line it printed on stdout so far. */
  lines: string[];
  /** Send SIGINT; resolves to the exit code (rejects after 15 s). */
  interrupt(): Promise<number>;
}

/**
 * Run `deno run -A <main> tsview ...args` and resolve once it printed its URL.
 * @throws Error with its stderr when it exits first, or after `timeoutMs`.
 */
export async function startTsview(
  main: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunningTsview> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "tsview", ...args],
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const lines: string[] = [];
  const stderr: string[] = [];
  const { promise: url, resolve: found } = Promise.withResolvers<string>();
  (async () => {
    const dec = process.stdout.pipeThrough(new TextDecoderStream());
    let buf = "";
    for await (const chunk of dec) {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(line);
        if (m) found(m[0]);
      }
    }
  })();
  (async () => {
    for await (const c of process.stderr.pipeThrough(new TextDecoderStream())) stderr.push(c);
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = Promise.race([
    process.status.then((s) => `exited with code ${s.code}`),
    new Promise<string>((
      r,
    ) => (timer = setTimeout(() => r("no URL printed"), options.timeoutMs ?? 60_000))),
  ]);
  const first = await Promise.race([url, failed.then((why) => ({ why }))]);
  clearTimeout(timer);
  if (typeof first !== "string") {
    try {
      process.kill("SIGKILL");
    } catch { /* already gone */ }
    await process.status;
    throw new Error(`tsview ${first.why}: ${stderr.join("").trim()}`);
  }
  return {
    url: first,
    process,
    lines,
    async interrupt() {
      process.kill("SIGINT");
      let t: ReturnType<typeof setTimeout> | undefined;
      const code = await Promise.race([
        process.status.then((s) => s.code),
        new Promise<never>((
          _,
          no,
        ) => (t = setTimeout(() => no(new Error("no exit after SIGINT")), 15_000))),
      ]);
      clearTimeout(t);
      return code;
    },
  };
}

async function withFile<T>(path: string, fn: (f: any) => T): Promise<T> {
  const lib: any = (h5wasmNode as any).default ?? h5wasmNode;
  await lib.ready;
  const f = new lib.File(path, "r");
  try {
    return fn(f);
  } finally {
    f.close();
  }
}

/** Dataset `name` at pixel (y, x): every layer of a 3-D dataset, or the one value of a 2-D one. */
export function h5Pixel(path: string, name: string, y: number, x: number): Promise<number[]> {
  return withFile(path, (f) => {
    const ds = f.get(name);
    const ranges = ds.shape.length === 3
      ? [[0, ds.shape[0]], [y, y + 1], [x, x + 1]]
      : [[y, y + 1], [x, x + 1]];
    return Array.from(ds.slice(ranges) as Float32Array);
  });
}

/** Names of a file's root datasets. */
export function h5Datasets(path: string): Promise<string[]> {
  return withFile(path, (f) => f.keys() as string[]);
}

/** Root attribute `key` of a file, as a string. */
export function h5Attr(path: string, key: string): Promise<string> {
  return withFile(path, (f) => String(f.attrs[key]?.value));
}

/** MintPy's decimal year of `YYYYMMDD` plus `seconds` of the day. */
function decimalYear(date: string, seconds: number): number {
  const y = Number(date.slice(0, 4)), m = Number(date.slice(4, 6)), d = Number(date.slice(6));
  const doy = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
  return y + (doy - 1) / 365.25 + seconds / (365.25 * 86_400);
}

/**
 * The linear model of a `velocity.h5` (intercept + velocity * years since START_DATE) at
 * pixel (y, x) on `dates`, metres.
 */
export async function modelAt(
  path: string,
  dates: string[],
  y: number,
  x: number,
): Promise<number[]> {
  const [c] = await h5Pixel(path, "intercept", y, x);
  const [v] = await h5Pixel(path, "velocity", y, x);
  const seconds = Number(await h5Attr(path, "CENTER_LINE_UTC")) || 0;
  const t0 = decimalYear(await h5Attr(path, "START_DATE"), seconds);
  return dates.map((d) => c! + v! * (decimalYear(d, seconds) - t0));
}
