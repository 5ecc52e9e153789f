import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { parseTemporaryName, processStartTime } from "@vinsar/hdf5";
import { withOutputs } from "./staged_outputs.ts";

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("text outputs are staged under a temporary and replace the old file on success", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${dir}/rms.txt`, "old");
    await withOutputs((out) => {
      out.text(`${dir}/rms.txt`, "new");
      out.bytes(`${dir}/rms.png`, new Uint8Array([1, 2]));
      const staged = names(dir).filter((n) => parseTemporaryName(n) !== null);
      deepStrictEqual(staged.map((n) => parseTemporaryName(n)!.output), ["rms.png", "rms.txt"]);
      ok(staged.every((n) => parseTemporaryName(n)!.pid === Deno.pid));
      return Promise.resolve();
    });
    deepStrictEqual(Deno.readTextFileSync(`${dir}/rms.txt`), "new");
    deepStrictEqual(names(dir), ["rms.png", "rms.txt"]);
    await rejects(
      withOutputs((out) => {
        out.text(`${dir}/rms.txt`, "newer");
        return Promise.reject(new Error("failed"));
      }),
      /failed/,
    );
    deepStrictEqual(Deno.readTextFileSync(`${dir}/rms.txt`), "new");
    deepStrictEqual(names(dir), ["rms.png", "rms.txt"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "staging a text output removes the stale temporaries of its folder",
  ignore: processStartTime("self") === null,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const child = new Deno.Command("true").spawn();
      await child.status;
      ok(processStartTime(child.pid) === null);
      let host = "";
      await withOutputs((out) => {
        out.text(`${dir}/probe.txt`, "x");
        host = parseTemporaryName(names(dir)[0]!)!.host;
        return Promise.reject(new Error("stop"));
      }).catch(() => {});
      // that folder was cleaned already in this process: use a fresh one
      const sub = `${dir}/sub`;
      Deno.mkdirSync(sub);
      const stale = `.velocity.h5.vinsar-${host}-${child.pid}-99.tmp`;
      const alike = `velocity.h5.${child.pid}.tmp`;
      Deno.writeTextFileSync(`${sub}/${stale}`, "partial");
      Deno.writeTextFileSync(`${sub}/${alike}`, "not ours");
      await withOutputs((out) => {
        out.text(`${sub}/rms.txt`, "x");
        return Promise.resolve();
      });
      deepStrictEqual(names(sub), ["rms.txt", alike]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("a text output in a missing folder fails with a one-line error naming it", async () => {
  await rejects(
    withOutputs((out) => {
      out.text("/nonexistent-dir/rms.txt", "x");
      return Promise.resolve();
    }),
    (e: Error) =>
      e.message === "/nonexistent-dir/rms.txt: cannot write output: No such file or directory",
  );
});
