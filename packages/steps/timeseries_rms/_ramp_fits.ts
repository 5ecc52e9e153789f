/**
 * The ramp fits of `timeseries_rms`'s date groups: joined into one fit of all their dates,
 * and the dates whose ramp could not be fitted normally reported.
 * @module
 */
import { type RampFit, RampStatus } from "@vinsar/core";
import type { Reporter } from "../reporter.ts";

/** The ramp fits of consecutive date groups as one fit of all their dates. */
export function concatRampFits(fits: RampFit[]): RampFit {
  const first = fits[0]!;
  const cat = <T extends Float64Array | Int32Array | Uint8Array>(
    pick: (f: RampFit) => T,
    make: (n: number) => T,
  ): T => {
    const out = make(fits.reduce((n, f) => n + pick(f).length, 0));
    let offset = 0;
    for (const f of fits) {
      out.set(pick(f) as never, offset);
      offset += pick(f).length;
    }
    return out;
  };
  return {
    ramp: first.ramp,
    numDates: fits.reduce((n, f) => n + f.numDates, 0),
    length: first.length,
    width: first.width,
    coeffs: cat((f) => f.coeffs, (n) => new Float64Array(n)),
    offset: cat((f) => f.offset, (n) => new Float64Array(n)),
    validCount: cat((f) => f.validCount, (n) => new Float64Array(n)),
    samples: cat((f) => f.samples, (n) => new Float64Array(n)),
    step: cat((f) => f.step, (n) => new Int32Array(n)),
    status: cat((f) => f.status, (n) => new Uint8Array(n)),
  };
}

/** Log dates whose ramp could not be fitted normally (never an error: MintPy carries on). */
export function reportFit(reporter: Reporter, fit: RampFit, maxSamples: number): void {
  let empty = 0, under = 0, sub = 0;
  for (let k = 0; k < fit.numDates; k++) {
    if (fit.status[k] === RampStatus.empty) empty++;
    else if (fit.status[k] === RampStatus.underdetermined) under++;
    if (fit.step[k]! > 1) sub++;
  }
  if (empty) {
    reporter.warn(`${empty} date(s) have no valid pixel in the mask: left without deramping`);
  }
  if (under) {
    reporter.warn(
      `${under} date(s) have too few or collinear valid pixels: minimum-norm ramp used`,
    );
  }
  if (sub) {
    reporter.info(
      `${sub} date(s) with more than ${maxSamples} valid pixels: ramp fitted on a subsample`,
    );
  }
}
