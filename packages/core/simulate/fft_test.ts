import { ok, throws } from "node:assert/strict";
import { Fft, InverseFft2d, nextPow2, transpose } from "./fft.ts";
import { Rng } from "./rng.ts";

function randomComplex(n: number, seed: number): [Float64Array, Float64Array] {
  const rng = new Rng(seed);
  return [
    Float64Array.from({ length: n }, () => rng.normal()),
    Float64Array.from({ length: n }, () => rng.normal()),
  ];
}

Deno.test("FFT equals the direct DFT and the inverse undoes it", () => {
  for (const n of [1, 2, 8, 64]) {
    const [re, im] = randomComplex(n, n);
    const xr = re.slice(), xi = im.slice();
    new Fft(n).transform(xr, xi, false);
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * j * k) / n;
        sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
        si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
      }
      ok(Math.abs(xr[k]! - sr) < 1e-9 && Math.abs(xi[k]! - si) < 1e-9, `n=${n} k=${k}`);
    }
    new Fft(n).transform(xr, xi, true);
    for (let j = 0; j < n; j++) {
      ok(Math.abs(xr[j]! - re[j]!) < 1e-12 && Math.abs(xi[j]! - im[j]!) < 1e-12);
    }
  }
  throws(() => new Fft(12), RangeError);
  ok(nextPow2(1) === 1 && nextPow2(5) === 8 && nextPow2(64) === 64);
});

Deno.test("transpose of a non-square array", () => {
  const a = Float64Array.from({ length: 6 * 35 }, (_, i) => i);
  const t = new Float64Array(a.length);
  transpose(a, 6, 35, t);
  for (let r = 0; r < 6; r++) for (let c = 0; c < 35; c++) ok(t[c * 6 + r] === a[r * 35 + c]);
});

Deno.test("inverse 2-D FFT of a transposed spectrum equals the direct sum, cropped", () => {
  const ny = 8, nx = 16, length = 5, width = 11;
  const [re, im] = randomComplex(ny * nx, 3); // transposed: index fx * ny + fy
  const outRe = new Float32Array(length * width), outIm = new Float32Array(length * width);
  new InverseFft2d(ny, nx).transform(re.slice(), im.slice(), length, width, outRe, outIm);
  for (let y = 0; y < length; y++) {
    for (let x = 0; x < width; x++) {
      let sr = 0, si = 0;
      for (let fx = 0; fx < nx; fx++) {
        for (let fy = 0; fy < ny; fy++) {
          const a = 2 * Math.PI * ((fy * y) / ny + (fx * x) / nx);
          const r = re[fx * ny + fy]!, i = im[fx * ny + fy]!;
          sr += r * Math.cos(a) - i * Math.sin(a);
          si += r * Math.sin(a) + i * Math.cos(a);
        }
      }
      const o = y * width + x;
      ok(Math.abs(outRe[o]! - sr) < 1e-4 && Math.abs(outIm[o]! - si) < 1e-4, `(${y}, ${x})`);
    }
  }
});
