import { deepStrictEqual, ok, throws } from "node:assert/strict";
import {
  commitFile,
  configureCommits,
  parseTemporaryName,
  processStartTime,
  removeStaleTemporaries,
  stageTemporary,
  temporaryPath,
} from "./_temporaries.ts";
import { H5Reader, H5Writer } from "./h5.ts";

const onLinux = processStartTime("self") !== null;

/** A pid that has exited (a finished child), checked to be absent from /proc. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  ok(processStartTime(child.pid) === null, `pid ${child.pid} was reused already`);
  return child.pid;
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("a temporary's name carries the output, the host, the pid and the start time", () => {
  const tmp = stageTemporary("/some/where/velocity.h5");
  ok(tmp.startsWith("/some/where/.velocity.h5.vinsar-"), tmp);
  const t = parseTemporaryName(tmp.slice("/some/where/".length));
  ok(t);
  deepStrictEqual(t.output, "velocity.h5");
  deepStrictEqual(t.pid, Deno.pid);
  if (onLinux) deepStrictEqual(t.start, processStartTime("self"));
  deepStrictEqual(parseTemporaryName("velocity.h5.vinsar-h-1-2.tmp"), null);
  deepStrictEqual(parseTemporaryName(".velocity.h5.vinsar-h-1-2.tmp.bak"), null);
  deepStrictEqual(parseTemporaryName(".velocity.h5.vinsar-h-x-2.tmp"), null);
});

Deno.test({
  name: "stale temporaries of gone processes are removed; live ones and look-alikes are kept",
  ignore: !onLinux,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const me = parseTemporaryName(temporaryPath(`${dir}/x`).slice(dir.length + 1))!;
      const host = me.host;
      const start = processStartTime("self")!;
      const dead = await deadPid();
      const stale = [
        `.velocity.h5.vinsar-${host}-${dead}-12345.tmp`,
        `.rms.txt.vinsar-${host}-${dead}-1.tmp`,
        // this pid is running, but started at another time: a reused pid, so gone
        `.ts.h5.vinsar-${host}-${Deno.pid}-${Number(start) + 1}.tmp`,
      ];
      const kept = [
        `.velocity.h5.vinsar-${host}-${Deno.pid}-${start}.tmp`, // this process
        `.velocity.h5.vinsar-otherhost-${dead}-12345.tmp`, // another machine's
        `velocity.h5.vinsar-${host}-${dead}-12345.tmp`, // no leading dot
        `.velocity.h5.vinsar-${host}-${dead}-12345.tmp.keep`,
        `.velocity.h5.vinsar-${host}-${dead}-12x.tmp`,
        `velocity.h5.${dead}.tmp.h5`,
        "velocity.h5",
      ];
      for (const n of [...stale, ...kept]) Deno.writeTextFileSync(`${dir}/${n}`, "x");
      // a folder with a temporary's name is not a temporary
      const folder = `.a.vinsar-${host}-${dead}-5.tmp`;
      Deno.mkdirSync(`${dir}/${folder}`);
      const logged: string[] = [];
      configureCommits({ debug: (m) => logged.push(m) });
      try {
        deepStrictEqual(removeStaleTemporaries(dir).sort(), [...stale].sort());
      } finally {
        configureCommits({ debug: () => {} });
      }
      deepStrictEqual(names(dir), [...kept, folder].sort());
      ok(logged.length === 1 && logged[0]!.includes(stale[0]!), logged.join("\n"));
      // once per folder per process: a new stale file is left until the next process
      Deno.writeTextFileSync(`${dir}/${stale[0]}`, "x");
      deepStrictEqual(removeStaleTemporaries(dir), []);
      ok(names(dir).includes(stale[0]!));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "creating an HDF5 output removes the stale temporaries of its folder",
  ignore: !onLinux,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const me = parseTemporaryName(temporaryPath(`${dir}/x`).slice(dir.length + 1))!;
      const dead = await deadPid();
      const stale = `.velocity.h5.vinsar-${me.host}-${dead}-777.tmp`;
      Deno.writeTextFileSync(`${dir}/${stale}`, "partial");
      const sub = `${dir}/sub`;
      Deno.mkdirSync(sub);
      Deno.writeTextFileSync(`${sub}/${stale}`, "partial");
      const w = await H5Writer.create(`${sub}/velocity.h5`);
      w.writeWhole("x", new Float32Array([1, 2]));
      w.commit();
      deepStrictEqual(names(sub), ["velocity.h5"]);
      ok(names(dir).includes(stale), "only the output's folder is cleaned");
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("commitFile renames over the old output, with and without syncs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const sync of [true, false]) {
      configureCommits({ sync });
      try {
        const w = await H5Writer.create(`${dir}/out.h5`);
        w.writeWhole("x", new Float32Array([sync ? 1 : 2]));
        w.commit();
      } finally {
        configureCommits({ sync: true });
      }
      const r = await H5Reader.open(`${dir}/out.h5`);
      deepStrictEqual(Array.from(r.read("x")), [sync ? 1 : 2]);
      r.close();
      deepStrictEqual(names(dir), ["out.h5"]);
    }
    // an output path that is a folder: a one-line error naming the path and the cause
    Deno.mkdirSync(`${dir}/taken.h5`);
    Deno.writeTextFileSync(`${dir}/t.tmp`, "x");
    throws(
      () => commitFile(`${dir}/t.tmp`, `${dir}/taken.h5`),
      (e: Error) => /taken\.h5: cannot commit output: Is a directory$/.test(e.message),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
