/**
 * Running the vinsar CLI as a child process and measuring its wall time and peak RSS.
 * The harness takes a {@link CommandRunner} so tests can substitute a fake CLI.
 * @module
 */

/** One CLI invocation: `vinsar <command> <args...>` in `cwd`. */
export interface RunRequest {
  command: string;
  args: string[];
  cwd: string;
}

/** What the child did. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the child process (s). */
  wallS: number;
  /** Peak resident set size of the child (MB), when measurable. */
  peakRssMb?: number;
}

/** Runs one CLI invocation. */
export type CommandRunner = (req: RunRequest) => Promise<RunResult>;

const GNU_TIME = "/usr/bin/time";

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * A runner for `deno run -A <cliPath> <command> <args...>`.
 * Peak RSS comes from GNU time (`%M`, KB) when `/usr/bin/time` exists, else from polling
 * `/proc/<pid>/status` VmHWM (the kernel's own high-water mark, so polling misses nothing
 * but the last few milliseconds), else it is omitted.
 */
export function cliRunner(
  cliPath: string,
  opts: { timeBinary?: string | null } = {},
): CommandRunner {
  const timeBinary = opts.timeBinary === undefined ? GNU_TIME : opts.timeBinary;
  const useTime = timeBinary !== null && exists(timeBinary);
  return async ({ command, args, cwd }) => {
    const deno = Deno.execPath();
    const childArgs = ["run", "-A", cliPath, command, ...args];
    const rssFile = useTime ? await Deno.makeTempFile({ prefix: "vinsar-rss-" }) : "";
    const cmd = useTime
      ? new Deno.Command(timeBinary!, {
        args: ["-f", "%M", "-o", rssFile, deno, ...childArgs],
        cwd,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      })
      : new Deno.Command(deno, {
        args: childArgs,
        cwd,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      });
    const t0 = performance.now();
    const child = cmd.spawn();
    let hwmKb = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    if (!useTime) {
      const poll = () => {
        try {
          const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
          const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
          if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
        } catch { /* exited or no /proc */ }
      };
      poll();
      timer = setInterval(poll, 20);
    }
    const out = await child.output();
    const wallS = (performance.now() - t0) / 1000;
    if (timer !== undefined) clearInterval(timer);
    let peakRssMb: number | undefined = hwmKb > 0 ? hwmKb / 1024 : undefined;
    if (useTime) {
      try {
        // GNU time writes "Command exited with non-zero status N" before %M on failure.
        const lines = Deno.readTextFileSync(rssFile).trim().split("\n");
        const kb = Number(lines[lines.length - 1]);
        if (Number.isFinite(kb) && kb > 0) peakRssMb = kb / 1024;
      } catch { /* unreadable: omit */ }
      await Deno.remove(rssFile).catch(() => {});
    }
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
      wallS,
      peakRssMb,
    };
  };
}
