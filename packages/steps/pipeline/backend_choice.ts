/**
 * `--backend auto` with a probe: calibrate the available backends on the command's work
 * (see `chooseSolver` in core) and remember the measured rates in a cache file per machine,
 * runtime (Deno and V8 versions), backend builds (e.g. the wasm kernels' hash) and problem
 * shape, so the next run of the same shape skips the measurement.
 *
 * Cache file: `$VINSAR_CALIBRATION_CACHE`, else `$XDG_CACHE_HOME/vinsar/calibration.json`,
 * else `~/.cache/vinsar/calibration.json`; `VINSAR_CALIBRATION_CACHE=off` disables it.
 * @module
 */
import {
  type AvailableBackend,
  chooseSolver,
  createAvailableSolvers,
  formatRates,
  log,
  pickByRates,
  probeKey,
  type ProbeShape,
  type Solver,
  type SolverChoice,
} from "@vinsar/core";

/** One cached calibration. */
export interface CachedCalibration {
  rates: Array<{ name: string; rate: number }>;
  unit: SolverChoice["unit"];
  /** ISO time of the measurement. */
  at: string;
}

interface CacheFile {
  version: 1;
  entries: Record<string, CachedCalibration>;
}

/** Entries kept in the file; the oldest go first. */
const MAX_ENTRIES = 200;

/** Path of the calibration cache, or null when disabled or no home folder is known. */
export function calibrationCachePath(): string | null {
  const env = (k: string): string | undefined => {
    try {
      return Deno.env.get(k) || undefined;
    } catch {
      return undefined;
    }
  };
  const explicit = env("VINSAR_CALIBRATION_CACHE");
  if (explicit === "off") return null;
  if (explicit) return explicit;
  const base = env("XDG_CACHE_HOME") ?? (env("HOME") ? `${env("HOME")}/.cache` : undefined);
  return base ? `${base}/vinsar/calibration.json` : null;
}

function readCache(path: string | null): CacheFile {
  if (path) {
    try {
      const data = JSON.parse(Deno.readTextFileSync(path)) as CacheFile;
      if (data?.version === 1 && typeof data.entries === "object") return data;
    } catch { /* missing or unreadable: start afresh */ }
  }
  return { version: 1, entries: {} };
}

function writeCache(path: string | null, file: CacheFile): void {
  if (!path) return;
  try {
    const keys = Object.keys(file.entries);
    if (keys.length > MAX_ENTRIES) {
      keys.sort((a, b) => file.entries[a]!.at.localeCompare(file.entries[b]!.at));
      for (const k of keys.slice(0, keys.length - MAX_ENTRIES)) delete file.entries[k];
    }
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (dir) Deno.mkdirSync(dir, { recursive: true });
    // Write then rename: a concurrent run never reads half a file.
    const tmp = `${path}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(tmp, JSON.stringify(file, null, 1));
    Deno.renameSync(tmp, path);
  } catch (e) {
    log.debug(`calibration cache not written (${path}): ${e instanceof Error ? e.message : e}`);
  }
}

/** This machine: OS/arch, CPU model and count, host name. */
export function machineId(): string {
  let cpu = "";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? "";
  } catch { /* not Linux */ }
  let host = "";
  try {
    host = Deno.hostname();
  } catch { /* no --allow-sys */ }
  return `${Deno.build.target}/${navigator.hardwareConcurrency}x ${cpu}/${host}`;
}

/** The JavaScript runtime: Deno and V8 versions. */
export function runtimeId(): string {
  return `deno ${Deno.version.deno} v8 ${Deno.version.v8}`;
}

/** Cache key of a calibration of `available` on `shape`. */
export async function calibrationKey(
  available: readonly AvailableBackend[],
  shape: ProbeShape | readonly ProbeShape[],
): Promise<string> {
  const builds = await Promise.all(available.map(async ({ factory }) => {
    let fp = "";
    try {
      fp = (await factory.fingerprint?.()) ?? "";
    } catch { /* unknown build: key on the name only */ }
    return fp ? `${factory.name}@${fp.slice(0, 16)}` : factory.name;
  }));
  return [machineId(), runtimeId(), builds.sort().join(","), probeKey(shape)].join("|");
}

/**
 * The solver for `--backend auto` on the work `shape`: the available backend measured
 * fastest there (from the cache when this machine, runtime and build already measured the
 * shape), among those whose scratch fits `budgetBytes`. Logs the choice and the rates.
 */
export async function chooseBackend(
  shape: ProbeShape | readonly ProbeShape[],
  budgetBytes: number,
  cachePath: string | null = calibrationCachePath(),
): Promise<Solver> {
  const available = await createAvailableSolvers();
  if (available.length === 1) return available[0]!.solver;
  const solvers = available.map((a) => a.solver);
  const key = await calibrationKey(available, shape);
  const file = readCache(cachePath);
  const hit = file.entries[key];
  if (hit && hit.rates.some((r) => solvers.some((s) => s.name === r.name))) {
    const choice = pickByRates(solvers, hit.rates, hit.unit, budgetBytes);
    log.info(
      `backend auto: ${choice.solver.name} (calibration of ${hit.at} on ${probeKey(shape)}: ` +
        `${formatRates(choice)})`,
    );
    return choice.solver;
  }
  const choice = chooseSolver(solvers, shape, { budgetBytes });
  log.info(
    `backend auto: ${choice.solver.name} (calibrated in ${choice.ms.toFixed(0)} ms on ` +
      `${probeKey(shape)}: ${formatRates(choice)})`,
  );
  file.entries[key] = {
    rates: choice.rates.map(({ name, rate }) => ({ name, rate })),
    unit: choice.unit,
    at: new Date().toISOString(),
  };
  writeCache(cachePath, file);
  return choice.solver;
}
