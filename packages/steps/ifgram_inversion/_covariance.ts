/**
 * Where `--calc-cov` takes the reference date of the covariance from, as MintPy's
 * `get_design_matrix4std`: `mintpy.reference.date` of the project's `smallbaselineApp.cfg`,
 * two folders above the stack (`inputs/ifgramStack.h5` -> `./smallbaselineApp.cfg`); `auto`
 * reads `reference_date.txt` in that folder; a value naming an existing file reads that file.
 * @module
 */
import { dirname, join } from "node:path";
import { InputError } from "@vinsar/core";
import { isTemplateOff, readTemplate, type Template } from "@vinsar/hdf5";
import { isFile } from "../pipeline/context.ts";

/** The covariance's reference date and where it came from. */
export interface CovarianceReference {
  date: string;
  /** Index of `date` among the network's dates. */
  index: number;
  /** The template file read. */
  templateFile: string;
}

/**
 * The reference date of the covariance of the stack `stackFile` whose kept dates are `dates`.
 * @throws InputError (one line) where MintPy raises: no template file, no
 *   `mintpy.reference.date`, `auto` without `reference_date.txt`, or a date that is not one of
 *   `dates`.
 */
export function covarianceReference(
  stackFile: string,
  dates: readonly string[],
): CovarianceReference {
  const projectDir = dirname(dirname(stackFile));
  const templateFile = join(projectDir, "smallbaselineApp.cfg");
  const why = "--calc-cov needs the reference date of the covariance";
  let template: Template;
  try {
    template = readTemplate(templateFile);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`${e.message} (${why}: mintpy.reference.date of this file)`);
  }
  const value = template.get("mintpy.reference.date");
  if (value === undefined || isTemplateOff(value)) {
    throw new InputError(`${templateFile}: no mintpy.reference.date (${why})`);
  }
  let date = value;
  let source = `mintpy.reference.date of ${templateFile}`;
  if (value.toLowerCase() === "auto" || isFile(value)) {
    const file = value.toLowerCase() === "auto" ? join(projectDir, "reference_date.txt") : value;
    if (!isFile(file)) {
      throw new InputError(
        `${templateFile}: mintpy.reference.date = auto, but there is no ${file} (${why})`,
      );
    }
    date = readDateFile(file);
    source = file;
  }
  const index = dates.indexOf(date);
  if (index < 0) {
    throw new InputError(`reference date ${date} (${source}) is not a date of ${stackFile}`);
  }
  return { date, index, templateFile };
}

/** The one date of a text file such as `reference_date.txt` (`#` comments ignored). */
function readDateFile(path: string): string {
  const words = Deno.readTextFileSync(path).split(/\r?\n/)
    .map((line) => line.split("#")[0]!.trim())
    .filter((line) => line !== "")
    .flatMap((line) => line.split(/\s+/));
  if (words.length !== 1) {
    throw new InputError(`${path}: one reference date expected, found ${words.length} values`);
  }
  return words[0]!;
}
