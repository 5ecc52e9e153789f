/**
 * The exports of `kernels.wasm` as the bindings call them (shared by `wasm_solver.ts`,
 * `wasm_dgemm.ts` and `wasm_reductions.ts`).
 * @module
 */

/**
 * The exports of `kernels.wasm` (pointers are byte offsets into `memory`), with the shared
 * memory it imports as `env.memory`.
 */
export interface KernelExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  dgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
  sparse_cholesky_solve(
    n: number,
    colPtr: number,
    rowIdx: number,
    updPtr: number,
    updTarget: number,
    updA: number,
    updB: number,
    runPtr: number,
    runStart: number,
    lanes: number,
    values: number,
    rhs: number,
    status: number,
  ): void;
  assemble_normal_equations(
    nnz: number,
    n: number,
    numObs: number,
    diag1: number,
    diag2: number,
    offDiag: number,
    pos1: number,
    pos2: number,
    lanes: number,
    obs: number,
    weight: number,
    values: number,
    rhs: number,
  ): void;
  temporal_coherence(
    numObs: number,
    numDates: number,
    lanes: number,
    date1: number,
    date2: number,
    obs: number,
    use: number,
    ts: number,
    out: number,
  ): void;
  grouped_squared_norms(
    groups: number,
    groupRows: number,
    width: number,
    a: number,
    lda: number,
    out: number,
    ldOut: number,
    sqrt: number,
  ): void;
  /**
   * `mask` 0 = null; data row i uses mask row `(maskRow0 + i) % maskRows`; scratch
   * `2 * width` doubles.
   */
  ramp_row_sums(
    rows: number,
    width: number,
    data: number,
    mask: number,
    maskRows: number,
    sumBasis: number,
    numSum: number,
    badBasis: number,
    numBad: number,
    sums: number,
    bad: number,
    badCount: number,
    maskRow0: number,
    scratch: number,
  ): void;
  /**
   * Date k of pixel l at `data + 4 * (rowOff[k] + l)`, its residual at
   * `residual + 4 * (rowOff[k] + l)`; `ref`, `residual`, `stdScale` 0 = none (`residual` may
   * be `data`); scratch `4 * (n + p)` doubles; returns the count of `special`.
   */
  fit_series_f32(
    n: number,
    p: number,
    lanes: number,
    data: number,
    rowOff: number,
    ref: number,
    shift: number,
    scale: number,
    pinv: number,
    design: number,
    params: number,
    sums: number,
    e2: number,
    residual: number,
    stdScale: number,
    std: number,
    special: number,
    specialNaN: number,
    specialSum: number,
    scratch: number,
  ): number;
  /** `mask` 0 = null; data row i uses mask row `(maskRow0 + i) % maskRows`. */
  remove_ramp_rows(
    rows: number,
    width: number,
    data: number,
    coeffs: number,
    u: number,
    mask: number,
    maskRows: number,
    maskRow0: number,
    sumSq: number,
    count: number,
  ): void;
  /** `mask` 0 = null; scratch `width` int32. */
  masked_square_sums(
    rows: number,
    width: number,
    data: number,
    mask: number,
    sumSq: number,
    count: number,
    scratch: number,
  ): void;
  reference_observations(
    numObs: number,
    pixels: number,
    phase: number,
    ref: number,
    zeroIsNoData: number,
    count: number,
  ): void;
  invert_network_lanes(
    nnz: number,
    n: number,
    numObs: number,
    numDates: number,
    colPtr: number,
    rowIdx: number,
    updPtr: number,
    updTarget: number,
    updA: number,
    updB: number,
    runPtr: number,
    runStart: number,
    diag1: number,
    diag2: number,
    offDiag: number,
    pos1: number,
    pos2: number,
    date1: number,
    date2: number,
    datePosition: number,
    lanes: number,
    phase: number,
    src: number,
    stride: number,
    pixel: number,
    table: number,
    wmin: number,
    lo: number,
    hi: number,
    step: number,
    ground: number,
    numGround: number,
    scratch: number,
    phases: number,
    quality: number,
    status: number,
  ): void;
}
