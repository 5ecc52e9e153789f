/**
 * The one block loop of every step: read a unit into a free buffer set, compute it (in
 * process or on the worker pool) while the next unit is read, write it when it is done.
 *
 * Buffer sets are made lazily, at most `buffers` of them, and reused from unit to unit
 * (fresh memory is slow to touch). `inFlight` bounds how many units are being computed at
 * once: with one buffer the loop is read -> compute -> write; with two buffers and one unit
 * in flight, the next unit is read while the current one is computed on the workers.
 * @module
 */

/** What the loop spent, in milliseconds (compute: time inside `compute` calls and waiting). */
export interface PipelineTiming {
  read: number;
  compute: number;
  write: number;
  /** Units run. */
  units: number;
}

/** The stages of {@link runBlocks}; `U` a unit, `B` a buffer set, `R` a unit's result. */
export interface BlockPipelineOptions<U, B, R> {
  /** The units, in order (row ranges, date groups, ...). */
  units: Iterable<U>;
  /** Makes one buffer set. */
  allocate: () => B;
  /** Most buffer sets to make (default 1). */
  buffers?: number;
  /** Most units being computed at once (default `buffers - 1`, at least 1). */
  inFlight?: number;
  /**
   * Write units in their order (default), or as they finish (a pool of workers computing
   * one unit each).
   */
  ordered?: boolean;
  /** Fill `buffer` with the unit's input. */
  read?: (unit: U, buffer: B) => void | Promise<void>;
  /** Compute the unit from `buffer`; a promise when it runs elsewhere. */
  compute: (unit: U, buffer: B) => R | Promise<R>;
  /** Write the unit's result (its buffer set is reused after this returns). */
  write?: (unit: U, buffer: B, result: R) => void | Promise<void>;
}

interface InFlight<U, B, R> {
  unit: U;
  buffer: B;
  done: Promise<{ ok: true; value: R } | { ok: false; error: unknown }>;
}

/**
 * Run every unit through read -> compute -> write. A failure of any stage stops reading
 * new units; the units in flight are awaited (so no worker still writes into a buffer) and
 * the first error is thrown.
 */
export async function runBlocks<U, B, R>(
  options: BlockPipelineOptions<U, B, R>,
): Promise<PipelineTiming> {
  const maxBuffers = Math.max(1, options.buffers ?? 1);
  const inFlight = Math.max(1, options.inFlight ?? maxBuffers - 1);
  const ordered = options.ordered ?? true;
  const timing: PipelineTiming = { read: 0, compute: 0, write: 0, units: 0 };
  const free: B[] = [];
  let made = 0;
  const pending: InFlight<U, B, R>[] = [];
  let failure: { error: unknown } | null = null;

  /** Wait for one unit in flight (the oldest, or the first to finish) and write it. */
  const retire = async (): Promise<void> => {
    let index = 0;
    let t = performance.now();
    let outcome;
    if (ordered) outcome = await pending[0]!.done;
    else {
      const settled = await Promise.race(
        pending.map((p, i) => p.done.then((o) => ({ i, o }))),
      );
      index = settled.i;
      outcome = settled.o;
    }
    const [p] = pending.splice(index, 1);
    timing.compute += performance.now() - t;
    if (!outcome.ok) {
      failure ??= { error: outcome.error };
      free.push(p!.buffer);
      return;
    }
    if (failure === null && options.write) {
      t = performance.now();
      try {
        await options.write(p!.unit, p!.buffer, outcome.value);
      } catch (e) {
        failure ??= { error: e };
      }
      timing.write += performance.now() - t;
    }
    timing.units++;
    free.push(p!.buffer);
  };

  try {
    for (const unit of options.units) {
      while (free.length === 0 && made >= maxBuffers) await retire();
      if (failure) break;
      const buffer = free.pop() ?? (made++, options.allocate());
      let t = performance.now();
      try {
        await options.read?.(unit, buffer);
      } catch (e) {
        free.push(buffer);
        failure = { error: e };
        break;
      }
      timing.read += performance.now() - t;
      while (pending.length >= inFlight) await retire();
      if (failure) {
        free.push(buffer);
        break;
      }
      t = performance.now();
      let done: InFlight<U, B, R>["done"];
      try {
        done = Promise.resolve(options.compute(unit, buffer)).then(
          (value) => ({ ok: true as const, value }),
          (error) => ({ ok: false as const, error }),
        );
      } catch (error) {
        done = Promise.resolve({ ok: false as const, error });
      }
      timing.compute += performance.now() - t;
      pending.push({ unit, buffer, done });
    }
  } finally {
    while (pending.length > 0) await retire();
  }
  if (failure) throw (failure as { error: unknown }).error;
  return timing;
}
