/**
 * The compute-backend interface. Every hot loop of vinsar runs through one of these kernels,
 * so a backend (pure TypeScript, WASM SIMD, ...) is a complete implementation of this
 * interface, checked kernel by kernel by the conformance suite `testing/solver_conformance.ts`
 * against the reference kernels of `testing/reference_kernels.ts`.
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
  /**
   * The same schedule as runs of one target: column j's updates are grouped by target
   * (each target's updates keep their order), and its runs are `runPtr[j] .. runPtr[j+1]`;
   * run r covers updates `runStart[r] .. runStart[r+1]` (`runStart` has one entry more
   * than there are runs). A kernel may hold the run's target in a register: same
   * subtractions, same order, same result.
   */
  readonly runPtr: Int32Array;
  readonly runStart: Int32Array;
}

/**
 * Where each observation (interferogram) of a network lands in its weighted normal
 * equations `A^T W A x = A^T W y`, for the {@link CholeskyPlan} of that network. Interferogram
 * k joins date1 (coefficient -1 in A) and date2 (+1); the reference date has no unknown.
 * Entry indices point into L's `nnz` entries; positions are elimination positions.
 */
export interface NetworkScatter {
  /** Number of observations K. */
  readonly numObs: number;
  /** Entry of the diagonal of date1's unknown, -1 when date1 is the reference date. */
  readonly diag1: Int32Array;
  /** Entry of the diagonal of date2's unknown, -1 when date2 is the reference date. */
  readonly diag2: Int32Array;
  /** Entry of the coupling of the two unknowns (lower triangle), -1 if either is the reference. */
  readonly offDiag: Int32Array;
  /** Elimination position (row of the right-hand side) of date1's unknown, or -1. */
  readonly pos1: Int32Array;
  /** Elimination position of date2's unknown, or -1. */
  readonly pos2: Int32Array;
}

/**
 * One call of {@link Solver.fitSeriesFloat32}. For pixel `l < lanes` and date `k < n`, with
 * `ref = data[refOffset + l]` (0 when `refOffset < 0`), every step in float64 and every sum
 * taken in date order:
 * - `d_k = ((data[rowOffset[k] + l] - ref) - shift[k]) * scale`;
 * - `sums[l] = d_0 + d_1 + ...` (NaN when some `d_k` is NaN);
 * - `params[j * ldParams + l] = pinv[j * n] d_0 + pinv[j * n + 1] d_1 + ...` (`j < p`);
 * - `r_k = d_k - design[k * p] m_0 - design[k * p + 1] m_1 - ...`,
 *   `e2[l] = r_0^2 + r_1^2 + ...`;
 * - with `stdScale`, `std[j * ldParams + l] = sqrt(stdScale[j] * e2[l])`;
 * - with `residual`, `residual[residualOffset[k] + l] = r_k` (as float32) for the pixels
 *   whose sum is not NaN; the others are left as they are, so their data can still be read
 *   when `residual` is `data` itself (a pixel's residual is written after all its values
 *   were read);
 * - the pixels whose sum is NaN or 0 (those the caller must look at: missing dates, or
 *   skipped by MintPy's mask) are listed in ascending order at the start of `special`; for
 *   the i-th of them, `specialNaN[i]` is its number of NaN `d_k` and `specialSum[i]` the sum
 *   of its other `d_k` in date order (MintPy's `nanmean` is that sum over their number).
 * A pixel with a NaN date gets NaN everywhere.
 */
export interface SeriesFit {
  readonly n: number;
  readonly p: number;
  readonly lanes: number;
  readonly data: Float32Array;
  readonly rowOffset: Int32Array;
  readonly refOffset: number;
  readonly shift: Float64Array;
  readonly scale: number;
  /** G+, `p x n` row-major. */
  readonly pinv: Float64Array;
  /** G, `n x p` row-major. */
  readonly design: Float64Array;
  readonly params: Float64Array;
  readonly ldParams: number;
  readonly sums: Float64Array;
  readonly e2: Float64Array;
  /** `p` factors of the residue standard deviations, or null (no `std` written). */
  readonly stdScale: Float64Array | null;
  /** `p x ldParams` output with `stdScale`. */
  readonly std: Float64Array | null;
  readonly residual: Float32Array | null;
  readonly residualOffset: Int32Array | null;
  /** Output, capacity `lanes`. */
  readonly special: Int32Array;
  /** Output, capacity `lanes`. */
  readonly specialNaN: Int32Array;
  /** Output, capacity `lanes`. */
  readonly specialSum: Float64Array;
}

/**
 * One call of {@link Solver.invertNetworkLanes}: the network inversion of `lanes` pixels
 * read straight from a float32 block (gather fused into the assembly). For lane `l`, pixel
 * `c = pixel[l]` and observation `k`, with `v = phase[k * stride + c]`:
 * - used when `v` is not NaN: `obs_k = v`, `use_k = 1`, and the weight `w_k` is 1 without
 *   `weightSource`, else `weightTable[trunc((x - weightLo) / weightStep)]` with
 *   `x = weightSource[k * stride + c]`, first raised to `weightMin` (NaN too), then clamped
 *   to `[weightLo, weightHi]`; unused: `obs_k = 0`, `use_k = 0`, `w_k = 0`;
 * - then exactly {@link Solver.assembleNormalEquations} of those, each listed grounding
 *   `(lane, entry)` replacing `values[entry]` by `2 * values[entry]` when positive, else 1
 *   (see `_network_components.ts`), {@link Solver.sparseCholeskySolve}, the phases
 *   `phases[d * lanes + l] = rhs[datePosition[d]]` (0 where `datePosition[d] < 0`), and
 *   {@link Solver.temporalCoherence} of those phases into `quality`.
 * The same operations in the same order as those kernels: results are bit-identical.
 */
export interface NetworkLanes {
  readonly plan: CholeskyPlan;
  readonly scatter: NetworkScatter;
  readonly numDates: number;
  /** `numObs` date indices of each observation's first date. */
  readonly date1: Int32Array;
  /** `numObs` date indices of each observation's second date. */
  readonly date2: Int32Array;
  /** Elimination position of each date's unknown, -1 for the reference date; `numDates`. */
  readonly datePosition: Int32Array;
  readonly lanes: number;
  /** `numObs x stride` observations (radians), pixel-fastest; NaN: not used. */
  readonly phase: Float32Array;
  /** `numObs x stride` values the weights come from (coherence), or null: unweighted. */
  readonly weightSource: Float32Array | null;
  readonly stride: number;
  /** Pixel (column of the block) of each lane, `lanes`. */
  readonly pixel: Int32Array;
  /** Squared weights by bin (with `weightSource`). */
  readonly weightTable: Float64Array | null;
  readonly weightMin: number;
  readonly weightLo: number;
  readonly weightHi: number;
  readonly weightStep: number;
  /** Groundings: pairs `(lane, entry of L)`, lanes ascending, `2 * numGround` values. */
  readonly ground: Int32Array;
  readonly numGround: number;
  /** Output `numDates * lanes`, lane-fastest: the phase of every date (radians). */
  readonly phases: Float64Array;
  /** Output `lanes`: temporal coherence. */
  readonly quality: Float64Array;
  /** Output `lanes`: 0 solved, 1 not positive definite. */
  readonly status: Uint8Array;
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

  /**
   * Batched weighted normal equations of a network (a reduced weighted graph Laplacian)
   * scattered into the pattern of L, ready for {@link Solver.sparseCholeskySolve}.
   * @param obs `numObs * lanes` lane-fastest observations (radians); must be finite
   *   everywhere (put 0 where the weight is 0).
   * @param weight `numObs * lanes` lane-fastest weights (the square of MintPy's sqrt weight);
   *   0 removes an observation.
   * @param values `plan.nnz * lanes` output: zeroed, then the lower triangle of each
   *   lane's `A^T W A` (fill-in entries stay 0).
   * @param rhs `plan.n * lanes` output: each lane's `A^T W y` in elimination order.
   */
  assembleNormalEquations(
    plan: CholeskyPlan,
    scatter: NetworkScatter,
    lanes: number,
    obs: Float64Array,
    weight: Float64Array,
    values: Float64Array,
    rhs: Float64Array,
  ): void;

  /**
   * Batched temporal coherence `|sum_k use_k exp(j e_k)| / sum_k use_k` with the unweighted
   * residual `e_k = obs_k - (ts[date2[k]] - ts[date1[k]])`; 0 for a lane with no observation.
   * sin/cos may be approximated to 1e-9 absolute.
   * @param date1 `numObs` date indices of each observation's first date.
   * @param date2 `numObs` date indices of each observation's second date.
   * @param obs `numObs * lanes` lane-fastest observations (radians), finite everywhere.
   * @param use `numObs * lanes` lane-fastest 1 (observation used) or 0.
   * @param ts `numDates * lanes` lane-fastest phase of each date (radians).
   * @param out `lanes` temporal coherence of each lane.
   */
  temporalCoherence(
    numObs: number,
    numDates: number,
    lanes: number,
    date1: Int32Array,
    date2: Int32Array,
    obs: Float64Array,
    use: Float64Array,
    ts: Float64Array,
    out: Float64Array,
  ): void;

  /**
   * Squared Euclidean norms of groups of rows, per column:
   * `out[g * ldOut + l] = sum_{r < groupRows} a[(g * groupRows + r) * lda + l]^2`, then the
   * square root when `sqrt`. With pixels along the columns (lane-fastest), that is the
   * quadratic form `|F_g d|^2` of each pixel from `F d` (bootstrap standard deviations:
   * groups = parameters, groupRows = factor rank) or the residual sum of squares of each
   * pixel (groups = 1, groupRows = dates). Each sum is taken four rows at a time,
   * `s + (((a_r^2 + a_{r+1}^2) + a_{r+2}^2) + a_{r+3}^2)` from `s = 0`, then the remaining rows
   * one by one, so all backends give the same bits.
   * @param a `groups * groupRows` rows of `width` values, row stride `lda`.
   * @param out `groups` rows of `width` values, row stride `ldOut` (0 when `groupRows` is 0).
   */
  groupedSquaredNorms(
    groups: number,
    groupRows: number,
    width: number,
    a: Float64Array,
    lda: number,
    out: Float64Array,
    ldOut: number,
    sqrt: boolean,
  ): void;

  /**
   * The least-squares fit of one design to float32 series, fused: referencing, the
   * parameters, the residual, its sum of squares and the residue standard deviations in one
   * pass over the data (the default `timeseries2velocity` fit, straight from the block as it
   * arrives from the file). See {@link SeriesFit} for what is computed.
   * @returns the number of pixels listed in `fit.special`.
   */
  fitSeriesFloat32(fit: SeriesFit): number;

  /**
   * Optional: the network inversion of pixel lanes gathered from a float32 block, fused
   * (see {@link NetworkLanes}); backends without it are driven kernel by kernel.
   */
  invertNetworkLanes?(job: NetworkLanes): void;

  /**
   * Optional: MintPy's referencing of a block of observations, in place, where the backend
   * can do it without a copy (the block in its {@link Solver.blockBuffer}; else it returns
   * false and the caller does it). For `k < numObs`, `p < pixels`, v = `phase[k * pixels + p]`
   * becomes `v - refPhase[k]` in float32 when v is not 0 (0 stays 0); then 0 becomes NaN when
   * `zeroIsNoData`; `count[p]` is set to the number of valid (non-NaN) values of pixel p.
   */
  referenceObservations?(
    phase: Float32Array,
    numObs: number,
    pixels: number,
    refPhase: Float32Array,
    zeroIsNoData: boolean,
    count: Int32Array,
  ): boolean;

  /**
   * Optional: `length` float32 values in memory where this backend's float32 kernels
   * ({@link Solver.fitSeriesFloat32}, {@link Solver.rampRowSums},
   * {@link Solver.removeRampRows}, {@link Solver.maskedSquareSums}) read and write the data in
   * place, with no copy in or out. A block loop reads each block straight into it. One region
   * per solver: the next call hands out the same memory (grown when asked for more), so one
   * block lives there at a time. Backends whose kernels work on JavaScript arrays do not
   * offer it.
   */
  blockBuffer?(length: number): Float32Array;

  /**
   * The per-row sums of a deramp fit (MintPy's `deramp`) over float32 image rows. Pixel `c`
   * of data row `i` (mask row `r = i % maskRows`) is *valid* when it is in the mask
   * (`mask[r * width + c] != 0`, or `mask` null) and its value is finite and non-zero;
   * it is *bad* when it is in the mask but not valid (NaN, infinite or zero). Then
   * - `sums[i * numSum + j] = sum over valid c of sumBasis[j * width + c] * data[i * width + c]`
   *   (the right-hand sides `G^T d` against column functions, e.g. powers of x);
   * - `badCount[i]` = bad pixels of the row;
   * - `bad[i * numBad + j] = sum over bad c of badBasis[j * width + c]` (the moments to remove
   *   from the mask's normal matrix), 0 when the row has no bad pixel.
   * @param data `rows * width` float32 values, row-major (a `(dates, rows, width)` HDF5 row
   *   block is `dates * rows` such rows, with `maskRows = rows`).
   * @param mask `maskRows * width` bytes, or null (every pixel in the mask).
   * @param sumBasis `numSum * width` values; `badBasis` `numBad * width` values.
   * @param sums output `rows * numSum`; `bad` output `rows * numBad`; `badCount` output `rows`.
   */
  rampRowSums(
    rows: number,
    width: number,
    data: Float32Array,
    mask: Uint8Array | null,
    maskRows: number,
    sumBasis: Float64Array,
    numSum: number,
    badBasis: Float64Array,
    numBad: number,
    sums: Float64Array,
    bad: Float64Array,
    badCount: Int32Array,
  ): void;

  /**
   * Pass 2 of a deramp fused with the RMS sums: subtract from each float32 image row, in
   * place, a ramp that is a quadratic polynomial in the column, then sum the squares of the
   * result over the mask. For row `i` and pixel `c`, with `d = data[i * width + c]`,
   * `a = coeffs[3 i], b = coeffs[3 i + 1], q = coeffs[3 i + 2]` and `t = u[c]` (float64):
   * - `data[i * width + c] = d == 0 ? d : float32(d - (a + t * (b + t * q)))` (a zero kept
   *   with its sign, NaN stays NaN);
   * - `sumSq[i]` = the sum of the squares of the new float32 values and `count[i]` their number,
   *   over the pixels in the mask (`mask[((maskRow0 + i) % maskRows) * width + c] != 0`, or
   *   `mask` null) whose new value is not NaN (MintPy's `nanmean(d**2)`); both overwritten.
   */
  removeRampRows(
    rows: number,
    width: number,
    data: Float32Array,
    coeffs: Float64Array,
    u: Float64Array,
    mask: Uint8Array | null,
    maskRows: number,
    maskRow0: number,
    sumSq: Float64Array,
    count: Float64Array,
  ): void;

  /**
   * Sums of squares over the mask, skipping NaN (MintPy's `nanmean(d**2)` with masked
   * pixels set to NaN; zeros and infinities count). For each row `i` of `width` values:
   * `sumSq[i] += sum d^2` and `count[i] += n` over the pixels `c` with `mask[c] != 0` (or
   * `mask` null) and `data[i * width + c]` not NaN.
   * @param data `rows * width` float32 values, row-major (e.g. `(dates, pixels)`).
   * @param mask `width` bytes, the same for every row; null = every pixel.
   * @param sumSq `rows` running float64 sums, updated; `count` `rows` running counts.
   */
  maskedSquareSums(
    rows: number,
    width: number,
    data: Float32Array,
    mask: Uint8Array | null,
    sumSq: Float64Array,
    count: Float64Array,
  ): void;
}
