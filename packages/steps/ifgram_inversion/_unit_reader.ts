/**
 * Reading one row unit's inputs of the inversion: the observations (with an `*OffsetStd`
 * mask applied as they arrive), the weight dataset, the observation mask dataset and the
 * per-pixel skip masks. The same code runs in the main thread (no workers: the step's open
 * files) and in every worker of the pool, which opens the stack read-only in its own h5wasm
 * instance from a {@link UnitSource}: reading then scales with the workers, and the main
 * thread only schedules and writes.
 * @module
 */
import { IfgramStack, MaskFile, type MaskRows } from "@vinsar/hdf5";
import { applyOffsetStdMask, type OffsetStdMask } from "./_offsets.ts";

/** Where a unit's inputs come from (plain, structured-clonable: a worker opens them itself). */
export interface UnitSource {
  /** The `ifgramStack.h5` file. */
  stackFile: string;
  /** Dataset inverted (`unwrapPhase`, ...). */
  obs: string;
  /** The weight dataset (coherence or an offset Std), read when set. */
  weightDataset?: string;
  /** Observation mask dataset, read when set. */
  maskDataset: string | null;
  /** An `*OffsetStd` observation mask, applied as the observations are read. */
  stdMask?: OffsetStdMask;
  /** Per-pixel skip masks (water, zero average spatial coherence): file and dataset, ANDed. */
  masks: Array<{ path: string; dataset: string }>;
}

/** The input arrays of one unit, each K x P (interferogram-major, pixel-fastest) or longer. */
export interface UnitInputs {
  phase: Float32Array;
  coherence?: Float32Array;
  maskData?: Float32Array;
  /** The `*OffsetStd` dataset's rows (with `stdMask`). */
  stdRows?: Float32Array;
}

/** Reads row units of one stack; opened from a {@link UnitSource} or over open files. */
export class UnitReader {
  readonly source: UnitSource;
  readonly stack: IfgramStack;
  readonly #masks: readonly MaskRows[];
  readonly #owned: boolean;

  private constructor(
    source: UnitSource,
    stack: IfgramStack,
    masks: readonly MaskRows[],
    owned: boolean,
  ) {
    this.source = source;
    this.stack = stack;
    this.#masks = masks;
    this.#owned = owned;
  }

  /** A reader over files the caller has open (and closes): the in-process path. */
  static over(source: UnitSource, stack: IfgramStack, masks: readonly MaskRows[]): UnitReader {
    return new UnitReader(source, stack, masks, false);
  }

  /**
   * Open the source's stack and masks read-only (in this thread's h5wasm instance).
   * @throws InputError or H5Error as `IfgramStack.open` / `MaskFile.open`; RangeError when a
   *   mask file has gone since the main thread opened it.
   */
  static async open(source: UnitSource): Promise<UnitReader> {
    const stack = await IfgramStack.open(source.stackFile);
    const masks: MaskRows[] = [];
    try {
      for (const m of source.masks) {
        const f = await MaskFile.open(m.path, {
          length: stack.length,
          width: stack.width,
          prefer: [m.dataset],
        });
        if (!f) throw new RangeError(`Mask file "${m.path}" cannot be opened`);
        masks.push(f);
      }
    } catch (e) {
      for (const m of masks) m.close();
      stack.close();
      throw e;
    }
    return new UnitReader(source, stack, masks, true);
  }

  /** Kept interferograms K. */
  get numIfgram(): number {
    return this.stack.keep.length;
  }

  /**
   * Fill `into` with rows `[row0, row1)` (P = rows x WIDTH pixels: the first K x P values of
   * each array) and return the unit's pixel mask (P bytes, 0: skip; undefined: every pixel).
   * @param refPhase Phase of each kept interferogram at the reference pixel (the offset-Std
   *   mask's high-SNR exception compares referenced offsets).
   */
  read(
    row0: number,
    row1: number,
    into: UnitInputs,
    refPhase: Float32Array,
  ): Uint8Array | undefined {
    const { stack, source } = this;
    const W = stack.width, K = stack.keep.length, P = (row1 - row0) * W;
    stack.readKept(source.obs, row0, row1, into.phase);
    if (source.stdMask) {
      const std = stack.readKept(source.stdMask.dataset, row0, row1, into.stdRows);
      applyOffsetStdMask(source.stdMask, {
        row0,
        row1,
        width: W,
        obs: into.phase.subarray(0, K * P),
        std,
        refPhase,
      });
    }
    if (source.weightDataset && into.coherence) {
      stack.readKept(source.weightDataset, row0, row1, into.coherence);
    }
    if (source.maskDataset && into.maskData) {
      stack.readKept(source.maskDataset, row0, row1, into.maskData);
    }
    let pixelMask: Uint8Array | undefined;
    for (const m of this.#masks) {
      const rows = m.rows(row0, row1);
      if (!pixelMask) pixelMask = rows;
      else for (let i = 0; i < P; i++) pixelMask[i]! &= rows[i]!;
    }
    return pixelMask;
  }

  /** Close the files this reader opened (not those it was given). */
  close(): void {
    if (!this.#owned) return;
    for (const m of this.#masks) m.close();
    this.stack.close();
  }
}
