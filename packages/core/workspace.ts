/**
 * Typed arrays reused from one block to the next. A fresh large typed array is not free:
 * its pages are mapped and zeroed by the kernel on first touch, which on this project's
 * measurement VM costs about 2.3 ms per 512 KB, fifty times the cost of refilling a reused
 * one (`deno run benchmarks/page_faults.ts`). Block loops that allocated their outputs per
 * block spent most of their "compute" time there.
 * @module
 */

import type { Solver } from "./solver.ts";

type Ctor<T> = { new (length: number): T };
type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Named typed arrays, grown on demand and handed out again on the next request. */
export class Workspace {
  readonly #arrays = new Map<string, Typed>();

  /**
   * `length` float64 values under `name`, zero-filled. The array (and every earlier one of
   * that name) stays valid until the next request of the same name.
   */
  f64(name: string, length: number): Float64Array {
    return this.#take(name, Float64Array, length);
  }
  /** As {@link Workspace.f64}, float32. */
  f32(name: string, length: number): Float32Array {
    return this.#take(name, Float32Array, length);
  }
  /** As {@link Workspace.f64}, int32. */
  i32(name: string, length: number): Int32Array {
    return this.#take(name, Int32Array, length);
  }
  /** As {@link Workspace.f64}, bytes. */
  u8(name: string, length: number): Uint8Array {
    return this.#take(name, Uint8Array, length);
  }

  #take<T extends Typed>(name: string, ctor: Ctor<T>, length: number): T {
    const have = this.#arrays.get(name);
    if (have instanceof ctor && have.length >= length) {
      const view = have.subarray(0, length) as T;
      view.fill(0);
      return view;
    }
    const fresh = new ctor(length);
    this.#arrays.set(name, fresh);
    return fresh;
  }
}

/**
 * `length` float32 values for the block an in-process loop works on with `solver`: in the
 * solver's own memory when it offers one ({@link Solver.blockBuffer}: its kernels then read
 * and write the block in place), else a new array.
 */
export function solverBlock(solver: Solver, length: number): Float32Array {
  return solver.blockBuffer?.(length) ?? new Float32Array(length);
}
