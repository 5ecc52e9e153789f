import { ok } from "node:assert/strict";
import { coherenceLutAxis, phaseVarianceDs } from "../weights.ts";
import { decorrelationPhaseVariance, DecorrelationSampler, PhasePdf } from "./decorrelation.ts";
import { Rng } from "./rng.ts";

const close = (a: number, b: number, rel: number, what: string) =>
  ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b} (rel ${rel})`);

/** Midpoint-rule integral of f over [-pi, pi]. */
function integrate(f: (phi: number) => number, n = 20000): number {
  const h = (2 * Math.PI) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(-Math.PI + (i + 0.5) * h);
  return s * h;
}

Deno.test("phase PDF integrates to 1 for any looks and coherence", () => {
  for (const L of [1, 2, 14, 80]) {
    const pdf = new PhasePdf(L);
    for (const c of [0, 0.3, 0.7, 0.95]) {
      close(integrate((p) => pdf.at(c, p)), 1, 1e-6, `L=${L} coherence ${c}`);
    }
  }
});

Deno.test("phase PDF: single look matches the closed form of Just and Bamler (1994)", () => {
  const pdf = new PhasePdf(1);
  for (const c of [0.2, 0.6, 0.9]) {
    for (const phi of [-2.5, -0.4, 0, 1.1, 3]) {
      const b = c * Math.cos(phi);
      const expected = ((1 - c * c) / (2 * Math.PI * (1 - b * b))) *
        (1 + (b * Math.acos(-b)) / Math.sqrt(1 - b * b));
      close(pdf.at(c, phi), expected, 1e-12, `coherence ${c}, phase ${phi}`);
    }
  }
});

Deno.test("phase variance: uniform at zero coherence, Cramer-Rao bound at high coherence", () => {
  close(decorrelationPhaseVariance(14, 0), (Math.PI * Math.PI) / 3, 1e-6, "zero coherence");
  // (1 - g^2) / (2 L g^2) is a lower bound, reached at many looks and high coherence.
  const crb = (L: number, c: number) => (1 - c * c) / (2 * L * c * c);
  for (const [L, c] of [[80, 0.95], [80, 0.99]] as const) {
    close(decorrelationPhaseVariance(L, c), crb(L, c), 0.03, `L=${L} c=${c}`);
  }
  for (const [L, c] of [[30, 0.99], [14, 0.9], [5, 0.8], [1, 0.95]] as const) {
    ok(decorrelationPhaseVariance(L, c) > crb(L, c), `L=${L} c=${c} above the bound`);
  }
});

Deno.test("phase variance agrees with the weights' lookup table (MintPy's integration)", () => {
  const axis = coherenceLutAxis();
  for (const L of [1, 5, 14]) {
    const lut = phaseVarianceDs(L, axis);
    for (let i = 10; i < 190; i += 20) {
      close(decorrelationPhaseVariance(L, axis[i]!), lut[i]!, 0.015, `L=${L} coherence ${axis[i]}`);
    }
  }
});

Deno.test("sampled noise: variance matches the PDF's and falls with coherence", () => {
  const n = 200_000;
  for (const L of [1, 14, 80]) {
    const sampler = new DecorrelationSampler(L);
    let previous = Infinity;
    for (const c of [0.1, 0.4, 0.7, 0.9, 0.98]) {
      const rng = new Rng(11, L, Math.round(c * 100));
      let s = 0, s2 = 0, s4 = 0;
      for (let i = 0; i < n; i++) {
        const x = sampler.sample(c, rng.nextU32());
        s += x;
        s2 += x * x;
        s4 += x ** 4;
      }
      const mean = s / n, variance = s2 / n;
      // The coherence picks the nearest table row (step 1/400): compare at that row. The
      // allowance is 4 standard errors of the sample variance (heavy tails at one look)
      // plus 0.5% for the table.
      const expected = decorrelationPhaseVariance(L, Math.round(c * 400) / 400);
      const se = Math.sqrt((s4 / n - variance * variance) / n);
      ok(
        Math.abs(variance - expected) <= 4 * se + 0.005 * expected,
        `L=${L} coherence ${c}: ${variance} vs ${expected} (standard error ${se})`,
      );
      ok(Math.abs(mean) < 4 * Math.sqrt(expected / n), `L=${L} c=${c}: mean ${mean}`);
      ok(variance < previous, `L=${L}: variance not decreasing at ${c}`);
      previous = variance;
    }
  }
});

/** The table is float32: pi rounds up a little. */
const PI32 = Math.fround(Math.PI);

Deno.test("sampled noise stays in [-pi, pi] and is symmetric", () => {
  const sampler = new DecorrelationSampler(3);
  const rng = new Rng(5);
  let positive = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const x = sampler.sample(0.3, rng.nextU32());
    ok(Math.abs(x) <= PI32, `sample ${x}`);
    if (x > 0) positive++;
  }
  ok(Math.abs(positive / n - 0.5) < 0.01, `fraction positive ${positive / n}`);
  // Extreme bit patterns reach the ends of the table without leaving it.
  for (const bits of [0, 1, 0xfffffffe, 0xffffffff, 0x80000000]) {
    const x = sampler.sample(0.5, bits);
    ok(Number.isFinite(x) && Math.abs(x) <= PI32, `bits ${bits}: ${x}`);
  }
});
