/**
 * `ifgram_inversion` on a cluster: split by image rows. The plan reads the reference pixel's
 * phase once for every task; each task inverts its rows into part files of MintPy's three
 * outputs (and `timeseriesDecorCov.h5` with `--calc-cov`), which the merge assembles.
 * @module
 */
import { dirname, join } from "node:path";
import { covarianceFileName, IfgramStack } from "@vinsar/hdf5";
import { isFile } from "../pipeline/context.ts";
import type { TileJob } from "../pipeline/tile_job.ts";
import { silentReporter } from "../reporter.ts";
import { qualityMaskFile, run } from "./mod.ts";
import { applyInversionTemplate } from "./_template.ts";
import { type IfgramInversionOptions, resolveOptions } from "./options.ts";

/** The cluster side of `ifgram_inversion`. */
export const tileJob: TileJob = {
  async describe(given) {
    const options = applyInversionTemplate(
      given as unknown as IfgramInversionOptions,
      silentReporter,
    );
    const stack = await IfgramStack.open(options.stackFile);
    try {
      const settings = resolveOptions(options, stack);
      const { obs, outfile } = settings;
      const K = stack.keep.length, L = stack.length, W = stack.width;
      const outputs: string[] = [...outfile];
      if (options.calcCov) outputs.push(covarianceFileName(outfile[0], obs));
      const project = dirname(dirname(options.stackFile));
      const inputs = [
        options.stackFile,
        options.templateFile,
        settings.waterMaskFile ?? undefined,
        qualityMaskFile(options.stackFile, settings.offset),
        options.calcCov ? join(project, "smallbaselineApp.cfg") : undefined,
        options.calcCov ? join(project, "reference_date.txt") : undefined,
      ].filter((p): p is string => p !== undefined && isFile(p));
      const attrs = stack.attrs;
      let referencePhase: number[] | undefined;
      if (!settings.skipRef && attrs.REF_Y !== undefined && attrs.REF_X !== undefined) {
        referencePhase = Array.from(
          stack.readPixel(obs, parseInt(attrs.REF_Y, 10), parseInt(attrs.REF_X, 10)),
        );
      }
      const inputsPerRow = 1 + (settings.weightDataset ? 1 : 0) + (options.maskDataset ? 1 : 0);
      return {
        axis: "rows",
        extent: L,
        length: L,
        width: W,
        bytesPerUnit: 4 * K * W * inputsPerRow,
        inputs: [...new Set(inputs)],
        outputs,
        options: { ...given, ...(referencePhase ? { referencePhase } : {}) },
      };
    } finally {
      stack.close();
    }
  },
  async run(options, tile) {
    const result = await run({ ...(options as unknown as IfgramInversionOptions), tile });
    return { counts: result.stats?.counts ?? null };
  },
};
