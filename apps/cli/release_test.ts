/**
 * The release workflow (.github/workflows/release.yml) cannot run here (`deno compile
 * --target` downloads a runtime per target), so its file is checked: it parses, runs on a
 * version tag, builds the five targets with the triples `deno compile` accepts, includes the
 * pool's worker module, and uploads the binaries to the release. The `compile` task of
 * deno.json is checked the same way: it includes the pool's worker, the chart thread's
 * worker and the chart engine's two files (DejaVu Sans, resvg's WebAssembly).
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { posix } from "node:path";
import { PLOT_ASSETS } from "@vinsar/plot/assets";
import { parse } from "yaml";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));

/** The worker module the pool starts (see WORKER_URL in executor.ts). */
const WORKER = "packages/steps/pipeline/worker.ts";
/** The chart thread's worker module (see CHART_WORKER_URL in chart_thread.ts). */
const CHART_WORKER = "packages/plot/chart_worker.ts";

/** The five release targets: `deno compile --target` triples. */
const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  steps: Step[];
  strategy?: { matrix?: { include?: Array<Record<string, unknown>> } };
}
interface Workflow {
  on: { push?: { tags?: string[] } };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** `deno compile`'s accepted `--target` values, from its own error message. */
async function compileTargets(): Promise<string[]> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["compile", "--target", "not-a-target", "x.ts"],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(r.stderr);
  const m = /possible values: ([^\n]+)/.exec(text);
  ok(m, text);
  return m[1]!.split(",").map((s) => s.trim());
}

Deno.test("release.yml: tag-triggered deno compile of five targets, worker included, uploaded", async () => {
  const wf = parse(read(".github/workflows/release.yml")) as Workflow;
  const tags = wf.on?.push?.tags ?? [];
  ok(tags.length > 0 && tags.every((t) => t.startsWith("v")), `on.push.tags: ${tags}`);
  strictEqual(wf.permissions?.contents, "write", "permissions.contents must be write");

  // The build job: one matrix entry per target, each with its own asset name.
  const build = Object.values(wf.jobs).find((j) =>
    j.steps.some((s) => s.run?.includes("deno compile"))
  );
  ok(build, "no job runs deno compile");
  const include = build.strategy?.matrix?.include ?? [];
  deepStrictEqual(include.map((e) => e.target).sort(), [...TARGETS].sort());
  const valid = await compileTargets();
  for (const t of TARGETS) ok(valid.includes(t), `deno compile does not accept --target ${t}`);
  const assets = include.map((e) => String(e.asset));
  strictEqual(new Set(assets).size, TARGETS.length, `asset names not unique: ${assets}`);
  for (const e of include) {
    ok(
      String(e.asset).endsWith(".exe") === String(e.target).includes("windows"),
      `${e.target}: asset ${e.asset}`,
    );
  }

  // The compile step: the matrix's target and asset, the worker module, the CLI entry.
  const compile = build.steps.find((s) => s.run?.includes("deno compile"))!;
  // Expressions written `${{ matrix.x }}` count as one word, `${{matrix.x}}`.
  const words = compile.run!.replace(/\$\{\{\s*([^}\s]+)\s*\}\}/g, "${{$1}}").split(/\s+/);
  const flag = (name: string) => words[words.indexOf(name) + 1];
  strictEqual(flag("--target"), "${{matrix.target}}");
  strictEqual(flag("--include"), WORKER);
  strictEqual(flag("-o"), "dist/${{matrix.asset}}");
  strictEqual(words.filter(Boolean).at(-1), "apps/cli/main.ts");
  ok(words.includes("-A"), "the binaries need -A baked in");
  ok(Deno.statSync(new URL(WORKER, ROOT)).isFile, `${WORKER} is missing`);
  ok(
    read("packages/steps/pipeline/executor.ts").includes(`"./worker.ts"`),
    "executor.ts no longer starts worker.ts: update --include",
  );
  // The same Deno as CI (.ci/run).
  const ciDeno = /^DENO_VERSION=(\S+)$/m.exec(read(".ci/run"))?.[1];
  const setup = build.steps.find((s) => s.uses?.startsWith("denoland/setup-deno@"));
  ok(setup, "no denoland/setup-deno step");
  strictEqual(String(setup.with?.["deno-version"]), `v${ciDeno}`);

  // The upload: after the builds, every binary attached to the tag's release.
  const release = Object.values(wf.jobs).find((j) =>
    j.steps.some((s) =>
      s.uses?.startsWith("softprops/action-gh-release@") || s.run?.includes("gh release upload")
    )
  );
  ok(release, "no step uploads to the release");
  const needs = [release.needs ?? []].flat();
  const buildName = Object.entries(wf.jobs).find(([, j]) => j === build)![0];
  ok(release === build || needs.includes(buildName), `the upload does not wait for ${buildName}`);
  const upload = release.steps.find((s) => s.uses?.startsWith("softprops/action-gh-release@"));
  if (upload) ok(String(upload.with?.files).includes("dist/vinsar-*"), "binaries not uploaded");
  const download = release.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
  ok(release === build || download, "the release job does not fetch the built binaries");

  // `deno task compile` carries the worker too.
  const tasks = JSON.parse(read("deno.json")).tasks as Record<string, string>;
  ok(tasks.compile!.includes(`--include ${WORKER}`), tasks.compile);
});

Deno.test("deno task compile: includes the chart worker, the font and resvg's wasm", () => {
  const tasks = JSON.parse(read("deno.json")).tasks as Record<string, string>;
  const words = tasks.compile!.split(/\s+/);
  const included = words.flatMap((w, i) => w === "--include" ? [words[i + 1]!] : []);
  ok(
    read("packages/plot/chart_thread.ts").includes(`"./chart_worker.ts"`),
    "chart_thread.ts no longer starts chart_worker.ts: update --include",
  );
  // assets.ts looks under the workspace's node_modules/<package>/ (a binary's copy of them).
  const assets = PLOT_ASSETS.map((a) => posix.join("node_modules", a.pkg, a.sub, a.file));
  for (const path of [CHART_WORKER, ...assets]) {
    ok(included.includes(path), `the compile task does not --include ${path}: ${tasks.compile}`);
    ok(Deno.statSync(new URL(path, ROOT)).isFile, `${path} is missing`);
  }
  strictEqual(words.at(-1), "apps/cli/main.ts");
});
