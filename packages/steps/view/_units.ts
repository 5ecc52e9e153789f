/**
 * Display units of `view`, as MintPy's `-u/--unit`: a length (m, cm, mm, km) or a rate
 * (m/year, cm/yr, mm/year ...) from a file stored in metres (or metres per year); other units
 * are shown as stored. MintPy's default display unit for metres is centimetres.
 * @module
 */
import { InputError } from "@vinsar/core";

const LENGTH: Record<string, number> = { km: 1e-3, m: 1, dm: 10, cm: 100, mm: 1000, um: 1e6 };

function split(unit: string): [string, string] {
  const [len, rate] = unit.split("/") as [string, string | undefined];
  return [len.trim(), rate === undefined ? "" : rate.trim().replace(/^(yr|year)s?$/, "year")];
}

/**
 * The display unit and the factor from the file's unit `dataUnit` to it.
 * @throws InputError for a unit of another kind (e.g. `cm` for a `m/year` file).
 */
export function displayUnit(dataUnit: string, wanted: string | undefined): [string, number] {
  const [dLen, dRate] = split(dataUnit || "1");
  if (!(dLen in LENGTH)) {
    if (wanted && wanted !== dataUnit) {
      throw new InputError(
        `flag -u/--unit: cannot show ${dataUnit || "unitless"} data in ${wanted}`,
      );
    }
    return [dataUnit, 1];
  }
  if (!wanted) return [`cm${dRate ? `/${dRate}` : ""}`, LENGTH.cm! / LENGTH[dLen]!];
  const [wLen, wRate] = split(wanted);
  if (!(wLen in LENGTH) || wRate !== dRate) {
    throw new InputError(`flag -u/--unit: cannot show ${dataUnit} data in ${wanted}`);
  }
  return [`${wLen}${wRate ? `/${wRate}` : ""}`, LENGTH[wLen]! / LENGTH[dLen]!];
}
