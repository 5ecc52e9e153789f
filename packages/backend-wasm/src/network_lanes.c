/*
 * The network inversion of pixel lanes gathered straight from a float32 block (see
 * Solver.invertNetworkLanes): no float64 copy of the block. Eight lanes at a time, each
 * tile is gathered (observation, weight from the coherence table), assembled, grounded,
 * factorized, solved and its temporal coherence summed while its data sit in a tile-major
 * scratch (nnz x 8 values, contiguous, instead of a 1 kB lane stride): every step is the
 * operation sequence of normal_equations.c, sparse_cholesky.c and temporal_coherence.c for
 * one lane, so the results are bit-identical to those kernels (and to the TypeScript ones).
 * The last tile is padded with copies of the last lane, whose results are not written.
 */
#include "cholesky_tile.h"
#include "coherence_poly.h"

#define T 8

typedef struct {
  int numObs, numDates;
  const int32_t *diag1, *diag2, *offDiag, *pos1, *pos2, *date1, *date2, *datePosition;
  const float *phase, *src;
  int stride;
  const double *table;
  double wmin, lo, hi, step;
} Job;

/* The observations touching each unknown, in increasing k: for position r, entries
 * ptr[r] .. ptr[r+1] of inc, each 2k (the unknown is date1 of k: its right-hand side
 * subtracts) or 2k + 1 (date2: adds). */
static void incidence(const Job *J, int n, int32_t *ptr, int32_t *inc) {
  for (int r = 0; r <= n; r++) ptr[r] = 0;
  for (int k = 0; k < J->numObs; k++) {
    if (J->diag1[k] >= 0) ptr[J->pos1[k] + 1]++;
    if (J->diag2[k] >= 0) ptr[J->pos2[k] + 1]++;
  }
  for (int r = 0; r < n; r++) ptr[r + 1] += ptr[r];
  for (int k = 0; k < J->numObs; k++) {
    if (J->diag1[k] >= 0) inc[ptr[J->pos1[k]]++] = 2 * k;
    if (J->diag2[k] >= 0) inc[ptr[J->pos2[k]]++] = 2 * k + 1;
  }
  for (int r = n; r > 0; r--) ptr[r] = ptr[r - 1];
  ptr[0] = 0;
}

/* Gather and assemble one tile: values tv (nnz x T), rhs tr (n x T), obs ty, use tu,
 * weight tw and weighted obs twy (numObs x T), from the pixels pix[0..T-1]. Each entry
 * sees the additions of normal_equations.c in the same order (observations in increasing
 * k), but a diagonal and its right-hand side are summed in registers, unknown by unknown,
 * instead of through memory observation by observation. */
static void assemble_tile(const Job *J, const Plan *P, int nnz, const int32_t *pix,
                          const int32_t *ptr, const int32_t *inc, double *tv, double *tr,
                          double *ty, double *tu, double *tw, double *twy) {
  __builtin_memset(tv, 0, (unsigned long)nnz * T * sizeof(double));
  for (int k = 0; k < J->numObs; k++) {
    const float *row = J->phase + (long)k * J->stride;
    const float *srow = J->src ? J->src + (long)k * J->stride : 0;
    double *y = ty + k * T, *u = tu + k * T, *w = tw + k * T;
    for (int l = 0; l < T; l++) {
      double v = row[pix[l]];
      if (v == v) {
        y[l] = v;
        if (srow) {
          double x = srow[pix[l]];
          x = x >= J->wmin ? x : J->wmin;
          if (x < J->lo) x = J->lo;
          if (x > J->hi) x = J->hi;
          w[l] = J->table[(int)((x - J->lo) / J->step)];
        } else {
          w[l] = 1;
        }
        u[l] = 1;
      } else {
        y[l] = 0;
        w[l] = 0;
        u[l] = 0;
      }
    }
    double *wy = twy + k * T;
    for (int p = 0; p < T; p += 2) st(wy + p, wasm_f64x2_mul(ld(w + p), ld(y + p)));
    if (J->diag1[k] >= 0 && J->diag2[k] >= 0) {
      double *od = tv + J->offDiag[k] * T;
      for (int p = 0; p < T; p += 2) st(od + p, wasm_f64x2_sub(ld(od + p), ld(w + p)));
    }
  }
  for (int r = 0; r < P->n; r++) {
    f64x2 d[T / 2], b[T / 2];
    for (int v = 0; v < T / 2; v++) d[v] = b[v] = splat(0);
    for (int i = ptr[r]; i < ptr[r + 1]; i++) {
      const double *w = tw + (inc[i] >> 1) * T, *wy = twy + (inc[i] >> 1) * T;
      for (int v = 0; v < T / 2; v++) {
        d[v] = wasm_f64x2_add(d[v], ld(w + 2 * v));
        b[v] = inc[i] & 1 ? wasm_f64x2_add(b[v], ld(wy + 2 * v))
                          : wasm_f64x2_sub(b[v], ld(wy + 2 * v));
      }
    }
    if (ptr[r] < ptr[r + 1]) {
      int k = inc[ptr[r]] >> 1;
      double *e = tv + (inc[ptr[r]] & 1 ? J->diag2[k] : J->diag1[k]) * T;
      for (int v = 0; v < T / 2; v++) st(e + 2 * v, d[v]);
    }
    for (int v = 0; v < T / 2; v++) st(tr + r * T + 2 * v, b[v]);
  }
}

/* Phases of the tile (numDates x T) and their temporal coherence (T). */
static void coherence_tile(const Job *J, const double *tr, const double *ty, const double *tu,
                           double *tp, double *q) {
  for (int d = 0; d < J->numDates; d++) {
    int r = J->datePosition[d];
    for (int l = 0; l < T; l++) tp[d * T + l] = r < 0 ? 0 : tr[r * T + l];
  }
  f64x2 sc[4], ss[4], cnt[4];
  for (int v = 0; v < 4; v++) sc[v] = ss[v] = cnt[v] = splat(0);
  for (int k = 0; k < J->numObs; k++) {
    const double *y = ty + k * T, *u = tu + k * T;
    const double *ta = tp + J->date1[k] * T, *tb = tp + J->date2[k] * T;
    for (int v = 0; v < 4; v++) {
      f64x2 uv = ld(u + 2 * v);
      f64x2 e = SUB(ld(y + 2 * v), SUB(ld(tb + 2 * v), ld(ta + 2 * v)));
      accumulate(e, uv, &sc[v], &ss[v]);
      cnt[v] = ADD(cnt[v], uv);
    }
  }
  for (int v = 0; v < 4; v++) st(q + 2 * v, finish(sc[v], ss[v], cnt[v]));
}

EXPORT(invert_network_lanes)
void invert_network_lanes(int nnz, int n, int numObs, int numDates, const int32_t *colPtr,
                          const int32_t *rowIdx, const int32_t *updPtr,
                          const int32_t *updTarget, const int32_t *updA, const int32_t *updB,
                          const int32_t *runPtr, const int32_t *runStart, const int32_t *diag1,
                          const int32_t *diag2, const int32_t *offDiag,
                          const int32_t *pos1, const int32_t *pos2, const int32_t *date1,
                          const int32_t *date2, const int32_t *datePosition, int lanes,
                          const float *phase, const float *src, int stride,
                          const int32_t *pixel, const double *table, double wmin, double lo,
                          double hi, double step, const int32_t *ground, int numGround,
                          double *scratch, double *phases, double *quality, uint8_t *status) {
  Plan P = {n, colPtr, rowIdx, updPtr, updTarget, updA, updB, runPtr, runStart};
  Job J = {numObs, numDates, diag1, diag2, offDiag, pos1, pos2, date1, date2, datePosition,
           phase, src, stride, table, wmin, lo, hi, step};
  double *tv = scratch, *tr = tv + nnz * T, *ty = tr + (n > 0 ? n : 1) * T;
  double *tu = ty + numObs * T, *tp = tu + numObs * T, *tw = tp + numDates * T;
  double *twy = tw + numObs * T;
  int32_t *ptr = (int32_t *)(twy + numObs * T), *inc = ptr + n + 1;
  incidence(&J, n, ptr, inc);
  double q[T];
  uint8_t st8[T];
  int32_t pix[T];
  int g = 0;
  for (int p0 = 0; p0 < lanes; p0 += T) {
    int m = lanes - p0 < T ? lanes - p0 : T;
    for (int l = 0; l < T; l++) pix[l] = pixel[p0 + (l < m ? l : m - 1)];
    assemble_tile(&J, &P, nnz, pix, ptr, inc, tv, tr, ty, tu, tw, twy);
    for (; g < numGround && ground[2 * g] < p0 + T; g++) {
      double *e = tv + ground[2 * g + 1] * T + (ground[2 * g] - p0);
      *e = *e > 0 ? 2 * *e : 1;
    }
    cholesky_tile(4, &P, T, 0, tv, tr, st8);
    coherence_tile(&J, tr, ty, tu, tp, q);
    for (int l = 0; l < m; l++) {
      status[p0 + l] = st8[l];
      quality[p0 + l] = q[l];
      for (int d = 0; d < numDates; d++) phases[d * lanes + p0 + l] = tp[d * T + l];
    }
  }
}
