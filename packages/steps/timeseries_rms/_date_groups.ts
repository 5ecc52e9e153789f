/**
 * `timeseries_rms` over groups of dates of whole images (when a few fit the budget): the
 * stack is read once, each group read, deramped (on the workers while the next group is
 * read), written and summed.
 * @module
 */
import { accumulateSquares, MAX_RAMP_SAMPLES, type RampFit, solverBlock } from "@vinsar/core";
import { writeStackRows } from "@vinsar/hdf5";
import {
  type DateUnit,
  LocalExecutor,
  type PipelineTiming,
  runBlocks,
  startExecutor,
} from "../pipeline/mod.ts";
import { createKernel, type DerampResult, type DerampSpec, type DerampTask } from "./kernel.ts";
import { concatRampFits, reportFit } from "./_ramp_fits.ts";
import { type ResidualRmsStreamResult, type StreamState, timeLine } from "./_stream_state.ts";

/** The RMS of the data as they are, reading groups of whole images. */
export async function squaresByDateGroups(
  state: StreamState,
  units: Iterable<DateUnit>,
  group: number,
): Promise<ResidualRmsStreamResult> {
  const { solver, length: L, numDates: K } = state.options;
  const pixels = state.pixels;
  const mask = state.options.mask ? state.options.mask.rows(0, L) : null;
  const progress = state.reporter.progress("residual RMS", K * pixels);
  const timing = await runBlocks({
    units,
    // Read straight into the backend's memory when it has one.
    allocate: () => solverBlock(solver, group * pixels),
    buffers: 1,
    read: (u, buffer) => void state.read(buffer, [u.date0, u.date1], [0, L]),
    compute: (u, buffer) => {
      const n = u.date1 - u.date0;
      const sumSq = state.sumSq.subarray(u.date0, u.date1);
      const count = state.count.subarray(u.date0, u.date1);
      accumulateSquares(buffer.subarray(0, n * pixels), n, pixels, mask, sumSq, count, solver);
      progress.advance(n * pixels);
    },
  });
  return state.result(null, timing.units);
}

/**
 * One pass over groups of whole images: read a group, deramp it (workers, while the next
 * group is read), write it, sum its squares.
 */
export async function deRampByDateGroups(
  state: StreamState,
  units: Iterable<DateUnit>,
  group: number,
): Promise<ResidualRmsStreamResult> {
  const opts = state.options;
  const { solver, length: L, width: W, numDates: K } = opts;
  const pixels = state.pixels;
  const spec: DerampSpec = {
    ramp: opts.ramp!,
    length: L,
    width: W,
    mask: opts.mask ? opts.mask.rows(0, L) : null,
    ref: opts.ref,
    maxSamples: opts.maxSamples,
  };
  const useWorkers = (opts.workers ?? 1) > 1;
  const executor = await startExecutor<DerampSpec, DerampTask, DerampResult>({
    kernel: "timeseries_rms",
    spec,
    backend: solver.name,
    workers: useWorkers ? opts.workers! : 0,
    local: () => createKernel(spec, solver),
    onPoolError: (message) =>
      state.reporter.debug(`workers unavailable, deramping in-process: ${message}`),
  });
  state.reporter.debug(`deramping groups of ${group} date(s) of whole images, ${executor.name}`);
  const local = executor instanceof LocalExecutor;
  const fits: RampFit[] = [];
  const progress = state.reporter.progress("removing ramps", K * pixels);
  let timing: PipelineTiming;
  try {
    timing = await runBlocks({
      units,
      // Workers deramp one buffer while the next group is read into the other (shared
      // memory); in-process, the group is read straight into the backend's memory when it
      // has one.
      allocate: () =>
        local
          ? solverBlock(solver, group * pixels)
          : new Float32Array(new SharedArrayBuffer(4 * group * pixels)),
      buffers: local ? 1 : 2,
      inFlight: 1,
      read: (u, buffer) => void state.read(buffer, [u.date0, u.date1], [0, L]),
      // The group's dates split across the workers (one share in process).
      compute: (u, buffer) => {
        const n = u.date1 - u.date0, parts = Math.min(executor.threads, n);
        const data = buffer.subarray(0, n * pixels);
        const tasks: Promise<DerampResult>[] = [];
        for (let i = 0, d0 = 0; i < parts; i++) {
          const d1 = Math.round((n * (i + 1)) / parts);
          tasks.push(
            executor.run({ data: data.subarray(d0 * pixels, d1 * pixels), numDates: d1 - d0 }),
          );
          d0 = d1;
        }
        return Promise.all(tasks);
      },
      write: (u, buffer, results) => {
        let k = u.date0;
        for (const r of results) {
          fits.push(r.fit);
          state.sumSq.set(r.sumSq, k);
          state.count.set(r.count, k);
          k += r.fit.numDates;
        }
        const data = buffer.subarray(0, (u.date1 - u.date0) * pixels);
        writeStackRows(
          opts.writer!,
          opts.outDataset ?? opts.dataset,
          [u.date0, u.date1],
          [0, L],
          W,
          data,
        );
        progress.advance((u.date1 - u.date0) * pixels);
      },
    });
  } finally {
    executor.close();
  }
  const { read, compute: deramp, write } = timing;
  state.reporter.debug(timeLine({ read, deramp, write }));
  const fit = fits.length ? concatRampFits(fits) : null;
  if (fit) reportFit(state.reporter, fit, opts.maxSamples ?? MAX_RAMP_SAMPLES);
  return state.result(fit, timing.units);
}
