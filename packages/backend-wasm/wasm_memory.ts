/**
 * The binding's view of a kernel module's linear memory: a bump allocator for per-call
 * scratch above a resident region that keeps immutable inputs (Cholesky plans, network
 * scatters) loaded across calls, plus lane-slab copies between JS arrays and the memory.
 * Memory grows on demand and is reused from call to call; nothing is allocated in JS per
 * call except typed-array views after a growth.
 * @module
 */
import type { CholeskyPlan } from "@vinsar/core";

const PAGE = 65536;
const ALIGN = 16;
/** Resident inputs kept at most; beyond this the region is rebuilt from scratch. */
const MAX_RESIDENT = 8;

const alignUp = (x: number): number => Math.ceil(x / ALIGN) * ALIGN;

/** Arrays a kernel reads, placed in the resident region: byte offset of each. */
export type ResidentOffsets = number[];

/** Linear-memory allocator of one kernel module instance. */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  /** First free byte of the module's memory: where the block region starts. */
  readonly #heapStart: number;
  #blockBytes = 0;
  /** The memory's buffer objects that block views were made on (a new one after a growth). */
  readonly #blockBuffers = new WeakSet<ArrayBufferLike>();
  #base: number;
  #residentTop: number;
  #top: number;
  #resident = new Map<object, ResidentOffsets>();
  #buffer: ArrayBuffer | null = null;
  #f64 = new Float64Array(0);
  #f32 = new Float32Array(0);
  #i32 = new Int32Array(0);
  #u8 = new Uint8Array(0);

  /** @param heapBase first free byte of the memory (the module's `__heap_base`). */
  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.#heapStart =
      this.#base =
      this.#residentTop =
      this.#top =
        alignUp(heapBase);
  }

  /**
   * `length` float32 values at the bottom of the memory, below the resident inputs and the
   * scratch, kept across calls: a caller reads its blocks straight into it and the kernels
   * read them in place (see `Solver.blockBuffer`). A larger request moves the resident
   * inputs and the scratch up (the inputs are reloaded when next used). The memory being
   * shared, the view stays valid when the memory grows.
   */
  block(length: number): Float32Array {
    const bytes = alignUp(length * 4);
    if (bytes > this.#blockBytes) {
      this.#blockBytes = bytes;
      this.#base = this.#residentTop = this.#top = this.#heapStart + bytes;
      this.#resident.clear();
      this.alloc(0);
    }
    const buffer = this.memory.buffer;
    this.#blockBuffers.add(buffer);
    return new Float32Array(buffer, this.#heapStart, length);
  }

  /** Byte offset of `a` in this memory when it lies in the block region, else -1. */
  blockOffset(a: Float32Array): number {
    if (!this.#blockBuffers.has(a.buffer)) return -1;
    const end = this.#heapStart + this.#blockBytes;
    return a.byteOffset >= this.#heapStart && a.byteOffset + a.byteLength <= end
      ? a.byteOffset
      : -1;
  }

  /** Bytes of linear memory currently reserved by the module. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Start a call: forget the previous call's scratch. */
  beginCall(): void {
    this.#top = this.#residentTop;
  }

  /** Reserve `bytes` of scratch (16-byte aligned) for the current call; returns its offset. */
  alloc(bytes: number): number {
    const off = this.#top;
    this.#top = alignUp(off + bytes);
    const need = this.#top - this.memory.buffer.byteLength;
    if (need > 0) {
      // Grow by at least a quarter so a slowly rising size does not grow every call.
      const pages = Math.max(
        Math.ceil(need / PAGE),
        Math.ceil(this.memory.buffer.byteLength / PAGE / 4),
      );
      this.memory.grow(pages);
    }
    return off;
  }

  /**
   * Offsets of the int32 arrays of immutable inputs (e.g. a Cholesky plan and its network
   * scatter), each loaded once into the resident region and reused by later calls with
   * the same object. All entries of one call stay valid together. Call before the call's
   * scratch allocations.
   */
  resident(entries: ReadonlyArray<readonly [object, readonly Int32Array[]]>): ResidentOffsets[] {
    const missing = entries.filter(([key]) => !this.#resident.has(key)).length;
    if (missing > 0 && this.#resident.size + missing > MAX_RESIDENT) {
      this.#resident.clear();
      this.#residentTop = this.#base;
    }
    return entries.map(([key, arrays]) => {
      const hit = this.#resident.get(key);
      if (hit) return hit;
      this.#top = this.#residentTop;
      const offsets = arrays.map((a) => this.alloc(a.length * 4));
      const i32 = this.i32;
      arrays.forEach((a, i) => i32.set(a, offsets[i]! >> 2));
      this.#residentTop = this.#top;
      this.#resident.set(key, offsets);
      return offsets;
    });
  }

  #refresh(): void {
    if (this.#buffer !== this.memory.buffer) {
      const buf = this.memory.buffer as ArrayBuffer;
      this.#buffer = buf;
      this.#f64 = new Float64Array(buf);
      this.#f32 = new Float32Array(buf);
      this.#i32 = new Int32Array(buf);
      this.#u8 = new Uint8Array(buf);
    }
  }

  /** Float64 view of the whole memory (valid until the next growth). */
  get f64(): Float64Array {
    this.#refresh();
    return this.#f64;
  }
  /** Float32 view of the whole memory. */
  get f32(): Float32Array {
    this.#refresh();
    return this.#f32;
  }
  /** Int32 view of the whole memory. */
  get i32(): Int32Array {
    this.#refresh();
    return this.#i32;
  }
  /** Byte view of the whole memory. */
  get u8(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }
}

/**
 * Copy lanes `p0 .. p0 + count - 1` of a lane-fastest array (`items` items of `lanes`
 * lanes) into `dst` at element `at`, compacted to `count` lanes per item.
 */
export function gatherLanes(
  src: Float64Array,
  items: number,
  lanes: number,
  p0: number,
  count: number,
  dst: Float64Array,
  at: number,
): void {
  if (count === lanes) {
    dst.set(src.subarray(0, items * lanes), at);
    return;
  }
  for (let i = 0; i < items; i++) {
    const s = i * lanes + p0;
    dst.set(src.subarray(s, s + count), at + i * count);
  }
}

/** Inverse of {@link gatherLanes}: write `count` compacted lanes back into `dst`. */
export function scatterLanes(
  src: Float64Array,
  at: number,
  items: number,
  lanes: number,
  p0: number,
  count: number,
  dst: Float64Array,
): void {
  if (count === lanes) {
    dst.set(src.subarray(at, at + items * lanes));
    return;
  }
  for (let i = 0; i < items; i++) {
    const s = at + i * count;
    dst.set(src.subarray(s, s + count), i * lanes + p0);
  }
}

/**
 * Copy a `rows x cols` block with row stride `srcLd` starting at `srcOff` into `dst` at
 * `at` with row stride `dstLd`.
 */
export function copyBlock(
  src: Float64Array,
  srcOff: number,
  srcLd: number,
  rows: number,
  cols: number,
  dst: Float64Array,
  at: number,
  dstLd: number,
): void {
  if (rows <= 0 || cols <= 0) return;
  if (srcLd === cols && dstLd === cols) {
    dst.set(src.subarray(srcOff, srcOff + rows * cols), at);
    return;
  }
  if (cols < 16) {
    // Short rows: a plain loop beats creating a subarray per row.
    for (let r = 0; r < rows; r++) {
      const s = srcOff + r * srcLd, d = at + r * dstLd;
      for (let j = 0; j < cols; j++) dst[d + j] = src[s + j]!;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcOff + r * srcLd;
    dst.set(src.subarray(s, s + cols), at + r * dstLd);
  }
}

/**
 * The arrays of a Cholesky plan in the order the kernels take them (`sparse_cholesky_solve`,
 * `invert_network_lanes`): column pointers, rows, the update schedule and its runs.
 */
export function choleskyPlanArrays(plan: CholeskyPlan): Int32Array[] {
  return [
    plan.colPtr,
    plan.rowIdx,
    plan.updPtr,
    plan.updTarget,
    plan.updA,
    plan.updB,
    plan.runPtr,
    plan.runStart,
  ];
}
