/*
 * Sums of squares over a mask, skipping NaN (see Solver.maskedSquareSums): four pixels
 * at a time, the kept lanes (not NaN, in the mask) selected by lane masks, squared in
 * float64 (exact for float32 values) into two f64x2 sums; the count from the lane masks.
 * The mask is the same for every row: it is widened once per call into int32 lane masks
 * (-1 in the mask, 0 outside) so each row only loads and ANDs them.
 */
#include "kernels.h"

/* Arguments as Solver.maskedSquareSums (mask 0 = null); scratch: `width` int32. */
EXPORT(masked_square_sums)
void masked_square_sums(int rows, int width, const float *data, const uint8_t *mask,
                        double *sumSq, double *count, int32_t *scratch) {
  const v128_t ones = wasm_i32x4_splat(-1), zeroi = wasm_i32x4_splat(0);
  int32_t *lanes = scratch;
  if (mask) {
    for (int c = 0; c < width; c++) lanes[c] = mask[c] != 0 ? -1 : 0;
  }
  for (int i = 0; i < rows; i++) {
    const float *d = data + i * width;
    f64x2 s0 = splat(0), s1 = splat(0);
    v128_t n4 = zeroi;
    int c = 0;
    for (; c + 4 <= width; c += 4) {
      v128_t x = wasm_v128_load(d + c);
      v128_t keep = wasm_f32x4_eq(x, x);
      keep = wasm_v128_and(keep, mask ? wasm_v128_load(lanes + c) : ones);
      add_kept_squares(x, keep, &s0, &s1, &n4);
    }
    double t = sum_lanes(s0, s1);
    int n = count_lanes(n4);
    for (; c < width; c++) {
      double x = d[c];
      if ((!mask || mask[c] != 0) && x == x) {
        t += x * x;
        n++;
      }
    }
    sumSq[i] += t;
    count[i] += n;
  }
}
