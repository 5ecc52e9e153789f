import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { lockOutput, lockPath, parseLockName, readLock, removeStaleLocks } from "./_lock.ts";
import { processStartTime, selfIdentity } from "./_temporaries.ts";
import { H5Writer } from "./h5.ts";

const onLinux = processStartTime("self") !== null;
const ROOT = new URL("../../", import.meta.url).pathname;
const H5 = new URL("./h5.ts", import.meta.url).pathname;

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  ok(processStartTime(child.pid) === null, `pid ${child.pid} was reused already`);
  return child.pid;
}

/** Run `code` in a separate Deno process (with the workspace's imports). */
function denoEval(code: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("the lock file of an output sits beside it, dot-named", () => {
  strictEqual(lockPath("/a/b/velocity.h5"), "/a/b/.velocity.h5.vinsar.lock");
  strictEqual(parseLockName(".velocity.h5.vinsar.lock"), "velocity.h5");
  strictEqual(parseLockName("velocity.h5.vinsar.lock"), null);
  strictEqual(parseLockName(".velocity.h5.vinsar.lock.tmp"), null);
});

Deno.test("two writers of one output in one process: the second fails naming the output", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await H5Writer.create(`${dir}/velocity.h5`);
    const holder = readLock(lockPath(`${dir}/velocity.h5`));
    ok(holder);
    strictEqual(holder.pid, Deno.pid);
    strictEqual(holder.host, selfIdentity().host);
    await rejects(
      H5Writer.create(`${dir}/velocity.h5`),
      (e: Error) =>
        e instanceof InputError &&
        e.message === `${dir}/velocity.h5 is already being written by this process`,
    );
    // A different output in the same folder is not blocked.
    const b = await H5Writer.create(`${dir}/rms.h5`);
    b.writeWhole("x", new Float32Array([1]));
    a.writeWhole("x", new Float32Array([2]));
    a.commit();
    b.commit();
    deepStrictEqual(names(dir), ["rms.h5", "velocity.h5"]);
    // Released at commit: writable again, and released at abort too.
    const c = await H5Writer.create(`${dir}/velocity.h5`);
    c.abort();
    const d = await H5Writer.create(`${dir}/velocity.h5`);
    d.abort();
    deepStrictEqual(names(dir), ["rms.h5", "velocity.h5"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("another process writing the same output: fails at once, one line naming the holder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = await H5Writer.create(`${dir}/velocity.h5`);
    const child = denoEval(`
      import { H5Writer } from ${JSON.stringify(H5)};
      try { await H5Writer.create(${
      JSON.stringify(`${dir}/velocity.h5`)
    }); console.log("created"); }
      catch (e) { console.log(e.name + ": " + e.message); }
      try { const o = await H5Writer.create(${
      JSON.stringify(`${dir}/other.h5`)
    }); o.abort(); console.log("other ok"); }
      catch (e) { console.log(e.name + ": " + e.message); }
    `);
    const out = await child.output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    w.abort();
    strictEqual(lines.length, 2, lines.join("\n"));
    const m =
      /^InputError: (\S+) is being written by process (\d+) on host (\S+) since (\S+): wait for it to finish, or remove (\S+) if that run is gone$/
        .exec(lines[0]!);
    ok(m, lines[0]);
    strictEqual(m[1], `${dir}/velocity.h5`);
    strictEqual(Number(m[2]), Deno.pid);
    strictEqual(m[3], selfIdentity().host);
    ok(!Number.isNaN(Date.parse(m[4]!)), m[4]);
    strictEqual(m[5], `${dir}/.velocity.h5.vinsar.lock`);
    strictEqual(lines[1], "other ok");
    deepStrictEqual(names(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a lock left by a killed process is taken over; a live or foreign one is not",
  ignore: !onLinux,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/velocity.h5`;
      // A writer killed with SIGKILL leaves its lock behind.
      const child = denoEval(`
        import { H5Writer } from ${JSON.stringify(H5)};
        await H5Writer.create(${JSON.stringify(path)});
        console.log("locked");
        await new Promise((r) => setTimeout(r, 60_000));
      `);
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!seen.includes("locked")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      ok(seen.includes("locked"), seen);
      strictEqual(readLock(lockPath(path))?.pid, child.pid);
      throws(() => lockOutput(path), /is being written by process/);
      child.kill("SIGKILL");
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel();
      const release = lockOutput(path);
      strictEqual(readLock(lockPath(path))?.pid, Deno.pid);
      release();
      // (The killed writer's temporary is the next staging's to remove: see _temporaries.ts.)
      deepStrictEqual(names(dir).filter((n) => parseLockName(n) !== null), []);
      for (const n of names(dir)) Deno.removeSync(`${dir}/${n}`);

      // A fabricated stale lock of this host: a dead pid, or a live pid with another start
      // (in a fresh folder: the sweep runs once per folder per process).
      const sub = `${dir}/sub`;
      Deno.mkdirSync(sub);
      const me = selfIdentity();
      const write = (name: string, holder: object) =>
        Deno.writeTextFileSync(`${sub}/.${name}.vinsar.lock`, JSON.stringify(holder));
      write("a.h5", { host: me.host, pid: await deadPid(), start: "1", since: "x" });
      write("b.h5", { host: me.host, pid: Deno.pid, start: "1", since: "x" });
      write("c.h5", { host: "elsewhere", pid: await deadPid(), start: "1", since: "x" });
      const live = new Deno.Command("sleep", { args: ["60"] }).spawn();
      try {
        write("d.h5", {
          host: me.host,
          pid: live.pid,
          start: processStartTime(live.pid),
          since: "2026-01-01T00:00:00Z",
        });
        // The folder sweep removes the dead ones of this host only.
        deepStrictEqual(removeStaleLocks(sub).sort(), [".a.h5.vinsar.lock", ".b.h5.vinsar.lock"]);
        deepStrictEqual(names(sub), [".c.h5.vinsar.lock", ".d.h5.vinsar.lock"]);
        throws(
          () => lockOutput(`${sub}/c.h5`),
          new RegExp(`c\\.h5 is being written by process \\d+ on host elsewhere`),
        );
        throws(
          () => lockOutput(`${sub}/d.h5`),
          new RegExp(`d\\.h5 is being written by process ${live.pid} on host .* since 2026`),
        );
        // Taken over at staging too (the sweep runs once per folder).
        write("a.h5", { host: me.host, pid: await deadPid(), start: "1", since: "x" });
        lockOutput(`${sub}/a.h5`)();
        deepStrictEqual(names(sub), [".c.h5.vinsar.lock", ".d.h5.vinsar.lock"]);
      } finally {
        live.kill("SIGKILL");
        await live.status;
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a lock that cannot be created is the folder's error, not a lock error", async () => {
  await rejects(
    H5Writer.create("/nonexistent-dir/velocity.h5"),
    (e: Error) =>
      !(e instanceof InputError) &&
      e.message === "/nonexistent-dir/velocity.h5: cannot write output: No such file or directory",
  );
});
