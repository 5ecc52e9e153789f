/**
 * `timeseries_rms` over row blocks (when even one whole image does not fit the budget): the
 * RMS in one pass, or a deramp in two (pass 1 accumulates the normal equations, pass 2
 * re-reads, removes the ramps, writes and sums).
 * @module
 */
import {
  accumulateSquares,
  RampNormalEquations,
  removeRampSquares,
  solverBlock,
} from "@vinsar/core";
import { writeStackRows } from "@vinsar/hdf5";
import { type RowUnit, runBlocks } from "../pipeline/mod.ts";
import { reportFit } from "./_ramp_fits.ts";
import { type ResidualRmsStreamResult, type StreamState, timeLine } from "./_stream_state.ts";

/** The RMS of the data as they are, by row blocks (images too large for the budget). */
export async function squaresByRowBlocks(
  state: StreamState,
  units: RowUnit[],
  plan: { rowsPerBlock: number },
): Promise<ResidualRmsStreamResult> {
  const { solver, numDates: K, width: W, length: L } = state.options;
  const progress = state.reporter.progress("residual RMS", L * W);
  await runBlocks({
    units,
    allocate: () => solverBlock(solver, K * plan.rowsPerBlock * W),
    buffers: 1,
    read: (b, buffer) => void state.read(buffer, [0, K], [b.row0, b.row1]),
    compute: (b, buffer) => {
      const pixels = (b.row1 - b.row0) * W;
      const data = buffer.subarray(0, K * pixels);
      accumulateSquares(data, K, pixels, state.maskRows(b), state.sumSq, state.count, solver);
      progress.advance(pixels);
    },
  });
  return state.result(null, units.length);
}

/**
 * Two passes over row blocks: pass 1 accumulates every date's normal equations, pass 2
 * re-reads the blocks (the last one of pass 1 first: it is still in memory), removes the
 * ramps in place, writes them and sums the squares.
 */
export async function deRampByRowBlocks(
  state: StreamState,
  plan: { rowsPerBlock: number; units: RowUnit[] },
): Promise<ResidualRmsStreamResult> {
  const opts = state.options;
  const { solver, numDates: K, width: W, length: L } = opts;
  const blocks = plan.units;
  // One block buffer for both passes (pass 2 starts on what pass 1 left in it).
  let block: Float32Array | null = null;
  const allocate = () => (block ??= solverBlock(solver, K * plan.rowsPerBlock * W));
  const rowsOf = (b: RowUnit, buffer: Float32Array) =>
    buffer.subarray(0, K * (b.row1 - b.row0) * W);
  const eq = new RampNormalEquations({
    ramp: opts.ramp!,
    numDates: K,
    length: L,
    width: W,
    maxSamples: opts.maxSamples,
  });
  const pass1 = state.reporter.progress("estimating ramps", L * W);
  const fitting = await runBlocks({
    units: blocks,
    allocate,
    buffers: 1,
    read: (b, buffer) => void state.read(buffer, [0, K], [b.row0, b.row1]),
    compute: (b, buffer) => {
      eq.add(solver, rowsOf(b, buffer), b.row0, b.row1 - b.row0, state.maskRows(b));
      pass1.advance((b.row1 - b.row0) * W);
    },
  });
  const fit = eq.solve(opts.ref);
  reportFit(state.reporter, fit, eq.maxSamples);

  // The last block is still in the buffer: do it first, then re-read the others.
  const last = blocks[blocks.length - 1]!;
  const pass2 = state.reporter.progress("removing ramps", L * W);
  const removing = await runBlocks({
    units: [last, ...blocks.slice(0, -1)],
    allocate,
    buffers: 1,
    read: (b, buffer) => {
      if (b !== last) state.read(buffer, [0, K], [b.row0, b.row1]);
    },
    compute: (b, buffer) => {
      const rows = b.row1 - b.row0;
      removeRampSquares(
        solver,
        fit,
        rowsOf(b, buffer),
        b.row0,
        rows,
        state.maskRows(b),
        state.sumSq,
        state.count,
      );
    },
    write: (b, buffer) => {
      writeStackRows(
        opts.writer!,
        opts.outDataset ?? opts.dataset,
        [0, K],
        [b.row0, b.row1],
        W,
        rowsOf(b, buffer),
      );
      pass2.advance((b.row1 - b.row0) * W);
    },
  });
  state.reporter.debug(timeLine({
    read: fitting.read + removing.read,
    fit: fitting.compute,
    apply: removing.compute,
    write: removing.write,
    rms: 0,
  }));
  return state.result(fit, blocks.length);
}
