/**
 * Real disk faults on a small tmpfs: a full disk and a read-only folder. Needs root (CI runs
 * as root); elsewhere the tests say why they are skipped and pass.
 */
import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { H5Error, H5Reader, H5Writer } from "./h5.ts";

function run(cmd: string, args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** Run `fn` in a fresh tmpfs of `size` (its options `opts`), or skip when mount is refused. */
async function withTmpfs(
  size: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    if (!run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir])) {
      console.log(`skipped: cannot mount a tmpfs on ${dir} (needs root)`);
      return;
    }
    try {
      await fn(dir);
    } finally {
      run("umount", [dir]);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function writeOld(path: string): Promise<void> {
  const w = await H5Writer.create(path);
  w.writeWhole("x", new Float32Array([7, 8, 9]));
  w.commit();
}

async function readOld(path: string): Promise<number[]> {
  const r = await H5Reader.open(path);
  try {
    return Array.from(r.read("x"));
  } finally {
    r.close();
  }
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("a full disk: one-line error naming the cause, old output intact, no temporary", async () => {
  await withTmpfs("2m", async (dir) => {
    const path = `${dir}/timeseries.h5`;
    await writeOld(path);
    const w = await H5Writer.create(path);
    let error: unknown;
    try {
      w.create("timeseries", [4, 512, 512], "<f"); // 4 MB
      for (let i = 0; i < 4; i++) {
        w.write("timeseries", [[i, i + 1]], new Float32Array(512 * 512).fill(i + 1));
      }
      w.commit();
    } catch (e) {
      error = e;
      w.abort();
    }
    ok(error instanceof H5Error, `expected an H5Error, got ${error}`);
    const message = (error as Error).message;
    ok(
      /^.*timeseries\.h5: (writing|closing)[^:]*: No space left on device$/.test(message),
      message,
    );
    deepStrictEqual(await readOld(path), [7, 8, 9]);
    deepStrictEqual(names(dir), ["timeseries.h5"]);
  });
});

Deno.test("a read-only folder: one-line error naming the cause, old output intact", async () => {
  await withTmpfs("1m", async (dir) => {
    const path = `${dir}/velocity.h5`;
    await writeOld(path);
    ok(run("mount", ["-o", "remount,ro", dir]), "remount read-only");
    await rejects(
      H5Writer.create(path),
      (e: Error) =>
        e instanceof H5Error &&
        e.message === `${path}: cannot write output: Read-only file system`,
    );
    deepStrictEqual(await readOld(path), [7, 8, 9]);
    deepStrictEqual(names(dir), ["velocity.h5"]);
  });
});
