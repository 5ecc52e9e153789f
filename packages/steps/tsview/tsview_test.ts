import assert from "node:assert/strict";
import { colormap } from "@vinsar/plot/colormap";
import { InputError } from "@vinsar/core";
import { serveTsview, type TsviewServer } from "./mod.ts";
import { CLIENT_JS } from "./_client.ts";
import {
  DATES,
  displacement,
  intercept,
  L,
  REF,
  velocity,
  W,
  writeTestFiles,
} from "./_test_files.ts";

async function withViewer(
  fn: (v: TsviewServer, get: (path: string) => Promise<Response>) => Promise<void>,
  files: "both" | "timeseries" = "both",
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tsview-test-" });
  const { ts, vel } = await writeTestFiles(dir);
  const v = await serveTsview({ timeseriesFile: ts, files: files === "both" ? [vel] : [] });
  try {
    await fn(v, (path) => fetch(new URL(path, v.url)));
  } finally {
    await v.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const f32 = async (r: Response) => new Float32Array(await r.arrayBuffer());

Deno.test("serveTsview listens on 127.0.0.1 on a free port and serves the page", async () => {
  await withViewer(async (v, get) => {
    assert.match(v.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(v.port > 0);
    const html = await (await get("/")).text();
    assert.match(html, /<canvas id="map">/);
    assert.match(await (await get("/app.css")).text(), /#mapBox/);
    const js = await get("/app.js");
    assert.match(js.headers.get("content-type")!, /javascript/);
    assert.equal(await js.text(), CLIENT_JS);
    assert.doesNotThrow(() => new Function(CLIENT_JS), "the page script parses");
    assert.equal((await get("/nope")).status, 404);
  });
});

Deno.test("/meta: size, dates, reference point, layers, defaults", async () => {
  await withViewer(async (_, get) => {
    const m = await (await get("/meta")).json();
    assert.equal(m.length, L);
    assert.equal(m.width, W);
    assert.deepEqual(m.dates, DATES);
    assert.deepEqual([m.refY, m.refX], REF);
    assert.deepEqual(m.layers.map((l: { id: string }) => l.id), [
      "timeseries",
      "intercept",
      "velocity",
    ]);
    assert.equal(m.layers.find((l: { id: string }) => l.id === "velocity").unit, "m/year");
    assert.ok(m.tileRows >= 1 && m.tileRows <= L);
    assert.deepEqual(m.defaults, {
      colormap: "jet",
      vlim: null,
      unit: "cm",
      yx: null,
      date: DATES.length - 1,
      ylim: null,
      model: true,
      zeroFirst: false,
    });
    assert.ok(m.colormaps.some((c: { name: string }) => c.name === "jet"));
  });
});

Deno.test("/tile: float32 rows of a date of the time-series and of a 2-D dataset", async () => {
  await withViewer(async (_, get) => {
    const t = await get("/tile?dataset=timeseries&date=3&row0=2&rows=5");
    assert.equal(t.headers.get("content-type"), "application/octet-stream");
    const a = await f32(t);
    assert.equal(a.length, 5 * W);
    for (let i = 0; i < a.length; i++) {
      assert.equal(a[i], displacement(3, 2 + Math.floor(i / W), i % W));
    }
    const v = await f32(await get("/tile?dataset=velocity&row0=0&rows=" + L));
    assert.equal(v[7 * W + 5], velocity(7, 5));
    const nan = await f32(await get("/tile?dataset=timeseries&date=1&row0=0&rows=1"));
    assert.ok(Number.isNaN(nan[0]));
  });
});

Deno.test("/tile and /point: a bad parameter is a 400 naming it", async () => {
  await withViewer(async (_, get) => {
    const cases: Array<[string, RegExp]> = [
      ["/tile?dataset=timeseries&date=99&row0=0&rows=1", /^date: 99/],
      ["/tile?dataset=timeseries&row0=0&rows=1", /^date: missing/],
      ["/tile?dataset=velocity&row0=5&rows=9", /^row0\/rows: rows \[5, 14\)/],
      ["/tile?dataset=velocity&row0=x&rows=1", /^row0: "x" is not an integer/],
      ["/tile?dataset=nope&row0=0&rows=1", /^dataset: unknown dataset "nope"/],
      ["/point?y=1&x=" + W, /^x: 11 is not a column/],
      ["/point?y=-1&x=0", /^y: -1 is not a row/],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      assert.equal(r.status, 400, path);
      assert.match(await r.text(), message, path);
    }
  });
});

Deno.test("/point: one pixel across all dates, the layers there and the linear model", async () => {
  await withViewer(async (_, get) => {
    const p = await (await get("/point?y=6&x=3")).json();
    assert.deepEqual(p.dates, DATES);
    assert.deepEqual(p.values, DATES.map((_, k) => displacement(k, 6, 3)));
    assert.deepEqual(p.layers, { velocity: velocity(6, 3), intercept: intercept(6, 3) });
    const t0 = p.years[0];
    p.model.atDates.forEach((m: number, k: number) => {
      const expected = intercept(6, 3) + velocity(6, 3) * (p.years[k] - t0);
      assert.ok(Math.abs(m - expected) < 1e-12, `date ${k}`);
    });
    assert.equal(p.model.years.length, p.model.values.length);
    const nan = await (await get("/point?y=0&x=0")).json();
    assert.deepEqual(nan.values, DATES.map(() => null));
  });
});

Deno.test("/point without velocity.h5: a line fitted to the series; /lut: a colour table", async () => {
  await withViewer(async (_, get) => {
    const p = await (await get("/point?y=5&x=1")).json();
    assert.equal(p.model.source, "linear fit");
    // displacement() is linear in the date index, not in time: compare with least squares.
    const t = p.years as number[], v = p.values as number[], n = t.length;
    const tm = t.reduce((a, b) => a + b) / n, vm = v.reduce((a, b) => a + b) / n;
    const slope = t.reduce((a, ti, i) => a + (ti - tm) * (v[i]! - vm), 0) /
      t.reduce((a, ti) => a + (ti - tm) ** 2, 0);
    p.model.atDates.forEach((m: number, i: number) => {
      assert.ok(Math.abs(m - (vm + slope * (t[i]! - tm))) < 1e-12, `date ${i}`);
    });
    const lut = new Uint8Array(await (await get("/lut?name=viridis")).arrayBuffer());
    assert.equal(lut.length, 768);
    assert.deepEqual([...lut.subarray(3 * 255)], colormap("viridis")(1));
    assert.equal((await get("/lut?name=nope")).status, 400);
  }, "timeseries");
});

Deno.test("model: false (--nomodel) sends no model; the page defaults follow the options", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tsview-test-" });
  try {
    const { ts, vel } = await writeTestFiles(dir);
    const v = await serveTsview({
      timeseriesFile: ts,
      files: [vel],
      model: false,
      date: 2,
      ylim: [-3, 4],
      zeroFirst: true,
      vlim: [-1, 1],
      unit: "mm",
      colormap: "RdBu",
    });
    try {
      assert.equal((await (await fetch(new URL("point?y=3&x=3", v.url))).json()).model, null);
      const d = (await (await fetch(new URL("meta", v.url))).json()).defaults;
      assert.deepEqual(d, {
        colormap: "RdBu",
        vlim: [-1, 1],
        unit: "mm",
        yx: null,
        date: 2,
        ylim: [-3, 4],
        model: false,
        zeroFirst: true,
      });
    } finally {
      await v.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveTsview: errors name the file or the flag", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tsview-test-" });
  try {
    const { ts, vel } = await writeTestFiles(dir, { velocityWidth: W + 1 });
    await assert.rejects(serveTsview({ timeseriesFile: ts, files: [vel] }), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /velocity\.h5: no 9 x 11 dataset/);
      return true;
    });
    await assert.rejects(serveTsview({ timeseriesFile: `${dir}/missing.h5` }), /missing\.h5/);
    await assert.rejects(serveTsview({ timeseriesFile: vel }), /NOT timeseries/);
    for (
      const [opts, message] of [
        [{ colormap: "nope" }, /-c\/--colormap: "nope"/],
        [{ unit: "km" }, /-u\/--unit: "km"/],
        [{ vlim: [1, 0] as [number, number] }, /--vlim: 1 0/],
        [{ yx: [L, 0] as [number, number] }, /--yx: 9 0 is outside/],
        [{ port: 70000 }, /--port: "70000"/],
        [{ date: DATES.length }, /-n: 6 is not a date index in 0\.\.5/],
        [{ ylim: [2, 2] as [number, number] }, /--ylim: 2 2/],
      ] as const
    ) {
      await assert.rejects(serveTsview({ timeseriesFile: ts, ...opts }), message);
    }
    const first = await serveTsview({ timeseriesFile: ts });
    try {
      await assert.rejects(
        serveTsview({ timeseriesFile: ts, port: first.port }),
        /--port: port \d+ is already in use/,
      );
    } finally {
      await first.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
