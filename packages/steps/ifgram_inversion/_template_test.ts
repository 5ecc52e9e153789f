import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import type { Reporter } from "../reporter.ts";
import { applyInversionTemplate, templateWeightFunc } from "./_template.ts";
import type { IfgramInversionOptions } from "./options.ts";

/** A reporter that keeps its info lines. */
function recorder(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`WARNING: ${m}`),
    debug() {},
    progress: () => ({ advance() {} }),
  };
}

/**
 * Apply `text` as a template file `<dir>/smallbaselineApp.cfg` to `options`; `$DIR` in the
 * text is that scratch folder, where `files` are created.
 */
function withTemplate(
  text: string,
  options: Partial<IfgramInversionOptions> = {},
  files: string[] = [],
): { out: IfgramInversionOptions; lines: string[]; dir: string } {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-template-" });
  try {
    Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, text.replaceAll("$DIR", dir));
    for (const f of files) Deno.writeTextFileSync(`${dir}/${f}`, "");
    const reporter = recorder();
    const out = applyInversionTemplate({
      stackFile: `${dir}/inputs/ifgramStack.h5`,
      templateFile: `${dir}/smallbaselineApp.cfg`,
      ...options,
    }, reporter);
    return { out, lines: reporter.lines, dir };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const KEYS = `
mintpy.compute.maxMemory = 1.5   #[float > 0.0], auto for 4
mintpy.compute.cluster   = auto  #[local / slurm / pbs / lsf / none], auto for none
mintpy.networkInversion.weightFunc      = no
mintpy.networkInversion.waterMaskFile   = auto
mintpy.networkInversion.minNormVelocity = no
mintpy.networkInversion.maskDataset   = coherence
mintpy.networkInversion.maskThreshold = 0.45
mintpy.networkInversion.minRedundancy = 2
mintpy.networkInversion.minTempCoh  = auto
`;

Deno.test("template keys fill the options that were not given", () => {
  const { out, lines } = withTemplate(KEYS);
  strictEqual(out.weightFunc, "no");
  strictEqual(out.minNormVelocity, false);
  strictEqual(out.maskDataset, "coherence");
  strictEqual(out.maskThreshold, 0.45);
  strictEqual(out.minRedundancy, 2);
  strictEqual(out.maxMemory, 1.5);
  // auto: waterMask.h5 in the working folder (as MintPy), absent here: no water mask, said.
  strictEqual(out.waterMaskFile, undefined);
  ok(lines.some((l) => /waterMask\.h5.*not found/.test(l)), lines.join("\n"));
  strictEqual(out.obsDatasetName, undefined);
  ok(/^read input option from template file: .*smallbaselineApp\.cfg$/.test(lines[0]!));
  // A water mask file that exists is used.
  const mask = withTemplate("mintpy.networkInversion.waterMaskFile = $DIR/water.h5", {}, [
    "water.h5",
  ]);
  strictEqual(mask.out.waterMaskFile, `${mask.dir}/water.h5`);
});

Deno.test("a flag given wins over its template key", () => {
  const { out } = withTemplate(KEYS, {
    weightFunc: "var",
    maskThreshold: 0.3,
    minNormVelocity: false,
    maskDataset: null,
    maxMemory: 0.5,
    minRedundancy: 1,
    waterMaskFile: "mine.h5",
  });
  strictEqual(out.weightFunc, "var");
  strictEqual(out.maskThreshold, 0.3);
  strictEqual(out.maskDataset, null);
  strictEqual(out.maxMemory, 0.5);
  strictEqual(out.minRedundancy, 1);
  strictEqual(out.waterMaskFile, "mine.h5");
  // Only --min-norm-phase can be given: the template's "yes" does not undo it.
  strictEqual(
    withTemplate("mintpy.networkInversion.minNormVelocity = yes", {
      minNormVelocity: false,
    }).out.minNormVelocity,
    false,
  );
});

Deno.test("auto takes MintPy's smallbaselineApp_auto.cfg values", () => {
  const keys = ["weightFunc", "waterMaskFile", "minNormVelocity", "maskDataset", "maskThreshold"]
    .concat("minRedundancy").map((k) => `mintpy.networkInversion.${k} = auto`)
    .concat(
      ["maxMemory", "cluster", "numWorker", "config"].map((k) => `mintpy.compute.${k} = auto`),
    )
    .concat("mintpy.unwrapError.method = auto");
  const { out, lines } = withTemplate(keys.join("\n"));
  strictEqual(out.weightFunc, "var");
  ok(lines.some((l) => l.startsWith("water mask waterMask.h5 (")), lines.join("\n"));
  strictEqual(out.minNormVelocity, true);
  strictEqual(out.maskDataset, null);
  strictEqual(out.maskThreshold, 0.4);
  strictEqual(out.minRedundancy, 1);
  strictEqual(out.maxMemory, 4);
  strictEqual(out.obsDatasetName, undefined);
  ok(!lines.some((l) => l.includes("cluster")), "cluster auto is none: nothing to say");
});

Deno.test("yes/no/none and the off words: MintPy's conversions", () => {
  const t = (text: string) => withTemplate(text).out;
  strictEqual(t("mintpy.networkInversion.weightFunc = False").weightFunc, "no");
  strictEqual(t("mintpy.networkInversion.minNormVelocity = TRUE").minNormVelocity, true);
  strictEqual(t("mintpy.networkInversion.minNormVelocity = none").minNormVelocity, false);
  strictEqual(t("mintpy.networkInversion.maskDataset = none").maskDataset, null);
  // A number key set to no keeps the default (MintPy: `elif value`).
  strictEqual(t("mintpy.networkInversion.maskThreshold = no").maskThreshold, undefined);
  strictEqual(t("mintpy.compute.maxMemory = no").maxMemory, undefined);
  strictEqual(t("mintpy.networkInversion.waterMaskFile = no").waterMaskFile, undefined);
  // The cluster keys are the command line's (apps/cli/cluster.ts): the step says nothing.
  const { lines } = withTemplate("mintpy.compute.cluster = local");
  ok(!lines.some((l) => /ignored/.test(l)), lines.join("\n"));
});

Deno.test("mintpy.unwrapError.method picks the dataset suffix unless -i is given", () => {
  const method = (m: string, options: Partial<IfgramInversionOptions> = {}) =>
    withTemplate(`mintpy.unwrapError.method = ${m}`, options);
  strictEqual(method("bridging").out.obsDatasetName, "unwrapPhase_bridging");
  strictEqual(method("phase_closure").out.obsDatasetName, "unwrapPhase_phaseClosure");
  strictEqual(
    method("Bridging + Phase_Closure").out.obsDatasetName,
    "unwrapPhase_bridging_phaseClosure",
  );
  deepStrictEqual(method("bridging").lines.slice(1), [
    'phase unwrapping error correction "bridging" is turned ON',
    'use dataset "unwrapPhase_bridging" by default',
  ]);
  strictEqual(method("no").out.obsDatasetName, undefined);
  strictEqual(
    method("bridging", { obsDatasetName: "unwrapPhase" }).out.obsDatasetName,
    "unwrapPhase",
  );
});

Deno.test("a bad template value is a one-line error naming the key", () => {
  const cases: Array<[string, RegExp]> = [
    ["mintpy.networkInversion.maskThreshold = abc", /maskThreshold = abc: not a number/],
    ["mintpy.networkInversion.minRedundancy = two", /minRedundancy = two: not a number/],
    ["mintpy.networkInversion.weightFunc = magic", /weightFunc = magic: not one of var/],
    ["mintpy.networkInversion.minNormVelocity = maybe", /minNormVelocity = maybe: not yes/],
    ["mintpy.networkInversion.maskDataset = shadow", /maskDataset = shadow: not one of/],
    ["mintpy.compute.maxMemory = -1", /maxMemory = -1: not a positive number/],
    ["mintpy.unwrapError.method = magic", /unwrapError\.method = magic: not one of bridging/],
  ];
  for (const [text, pattern] of cases) {
    throws(() => withTemplate(text), (e: Error) => {
      ok(e instanceof InputError, `${text}: ${e}`);
      ok(!e.message.includes("\n"), `${text}: one line`);
      ok(pattern.test(e.message), `${text}: "${e.message}" does not match ${pattern}`);
      ok(/^\/.*\/smallbaselineApp\.cfg: mintpy\./.test(e.message), e.message);
      return true;
    });
  }
  // A flag given for the key: its bad template value is never read (as MintPy, no error).
  strictEqual(
    withTemplate("mintpy.networkInversion.maskThreshold = abc", { maskThreshold: 0.2 }).out
      .maskThreshold,
    0.2,
  );
});

Deno.test("a missing template file is an error naming the flag and the file", () => {
  throws(
    () =>
      applyInversionTemplate({ stackFile: "x.h5", templateFile: "/nonexistent/a.cfg" }, recorder()),
    /flag -t\/--template: \/nonexistent\/a\.cfg: file not found/,
  );
});

Deno.test("template weightFunc: MintPy's spellings, any case", () => {
  const cases: Array<[string, string | null]> = [
    ["VAR", "var"],
    ["variance", "var"],
    ["coherence", "coh"],
    ["linear", "coh"],
    ["Fisher", "fim"],
    ["fim", "fim"],
    ["sbas", "no"],
    ["uniform", "no"],
    ["no", "no"],
    ["bogus", null],
  ];
  for (const [v, want] of cases) strictEqual(templateWeightFunc(v), want, v);
});
