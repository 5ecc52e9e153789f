import { ok, strictEqual } from "node:assert/strict";

const main = new URL("../main.ts", import.meta.url).pathname;

Deno.test("demo runs the whole chain on a small stack and writes every product", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        main,
        "demo",
        "--length",
        "60",
        "--width",
        "80",
        "--dates",
        "24",
        "--out",
        "d",
        "-q",
      ],
      cwd: dir,
      env: { XDG_CACHE_HOME: `${dir}/cache` },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    strictEqual(out.code, 0, new TextDecoder().decode(out.stderr));
    for (
      const f of [
        "inputs/ifgramStack.h5",
        "truth.h5",
        "timeseries.h5",
        "temporalCoherence.h5",
        "numInvIfgram.h5",
        "maskTempCoh.h5",
        "velocity.h5",
        "timeseriesResidual.h5",
        "timeseriesResidual_ramp.h5",
        "rms_timeseriesResidual_ramp.txt",
        "reference_date.txt",
        "velocity.png",
        "velocity_truth.png",
        "rms_timeseriesResidual_ramp.png",
        "rms_timeseriesResidual_ramp.svg",
      ]
    ) {
      ok(Deno.statSync(`${dir}/d/${f}`).size > 0, f);
    }
    const png = Deno.readFileSync(`${dir}/d/velocity.png`);
    strictEqual(new TextDecoder().decode(png.subarray(1, 4)), "PNG");
    const m = /over the (\d+) pixels of maskTempCoh\.h5.*\n\s+RMS ([\d.]+) mm\/year/.exec(stdout);
    ok(m, stdout);
    ok(Number(m[1]) > 0.5 * 60 * 80, "most pixels pass the temporal-coherence mask");
    ok(Number.isFinite(Number(m[2])), "a finite velocity error");
    // No staged temporary file is left behind.
    ok(![...Deno.readDirSync(`${dir}/d`)].some((e) => e.name.includes(".tmp")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
