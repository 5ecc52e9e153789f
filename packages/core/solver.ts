/**
 * The compute-backend interface. Every hot loop of vinsar runs through one of these kernels,
 * so a backend (pure TypeScript, WASM SIMD, ...) is a complete implementation of this
 * interface and two backends can be tested against each other kernel by kernel.
 *
 * Conventions for every kernel:
 * - Flat typed arrays, row-major, float64 unless stated.
 * - Batched data is "lane-fastest": item `i` of pixel `p` in a batch of `lanes` pixels sits
 *   at `i * lanes + p`. This is how a row block of an HDF5 stack `(K, rows, W)` arrives,
 *   and it lets a kernel vectorize across pixels with no shuffles.
 * - Kernels trust their arguments (sizes are checked by callers) and never throw for a
 *   numerically bad pixel: they report it in a status array.
 *
 * @module
 */

/** Symbolic sparse Cholesky factorization shared by all pixels of a network. */
export interface CholeskyPlan {
  /** Number of unknowns (dates minus the reference date). */
  readonly n: number;
  /** `perm[k]` = original unknown index placed at elimination position k. */
  readonly perm: Int32Array;
  /** CSC pattern of L (n + 1 column pointers); each column's first entry is its diagonal. */
  readonly colPtr: Int32Array;
  /** Row (elimination position) of each entry of L; length `nnz`. */
  readonly rowIdx: Int32Array;
  /** Number of entries of L including the diagonal. */
  readonly nnz: number;
  /**
   * Left-looking numeric schedule. For column j, updates `updPtr[j] .. updPtr[j+1]` apply
   * `L[updTarget[u]] -= L[updA[u]] * L[updB[u]]` (entry indices into L); then the column's
   * diagonal becomes its square root and the column's other entries are divided by it.
   */
  readonly updPtr: Int32Array;
  readonly updTarget: Int32Array;
  readonly updA: Int32Array;
  readonly updB: Int32Array;
}

/** A compute backend: a named set of batched kernels. */
export interface Solver {
  /** Backend name as used by `--backend` ("ts", "wasm"). */
  readonly name: string;

  /**
   * General matrix multiply, row-major: `C = alpha * op(A) * op(B) + beta * C` with
   * op(X) = X or X^T. `op(A)` is m x k, `op(B)` is k x n, C is m x n.
   * `lda`, `ldb`, `ldc` are the row strides of the stored A, B, C.
   */
  dgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    b: Float64Array,
    ldb: number,
    beta: number,
    c: Float64Array,
    ldc: number,
  ): void;

  /**
   * Batched sparse Cholesky factorization and solve over `lanes` pixels sharing `plan`.
   * @param values `nnz * lanes` lane-fastest: on input the lower triangle of each pixel's
   *   symmetric matrix scattered into L's pattern (fill-in entries 0); on output L.
   * @param rhs `n * lanes` lane-fastest right-hand sides in elimination order; on output
   *   the solutions (still in elimination order).
   * @param status `lanes` bytes: 0 solved, 1 not positive definite (rhs left undefined).
   */
  sparseCholeskySolve(
    plan: CholeskyPlan,
    lanes: number,
    values: Float64Array,
    rhs: Float64Array,
    status: Uint8Array,
  ): void;
}
