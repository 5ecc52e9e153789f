import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { covarianceReference } from "./_covariance.ts";

const DATES = ["20200101", "20200113", "20200125"];

/** A project folder `<dir>` with `inputs/`, the template text and other files. */
function project(cfg: string | null, files: Record<string, string> = {}): string {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-cov-ref-" });
  Deno.mkdirSync(`${dir}/inputs`);
  if (cfg !== null) Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, cfg);
  for (const [name, text] of Object.entries(files)) Deno.writeTextFileSync(`${dir}/${name}`, text);
  return dir;
}

function refOf(dir: string) {
  return covarianceReference(`${dir}/inputs/ifgramStack.h5`, DATES);
}

Deno.test("the covariance's REF_DATE: mintpy.reference.date of ../smallbaselineApp.cfg", () => {
  const dir = project("mintpy.reference.date = 20200113  #[reference_date.txt / date / no]\n");
  try {
    deepStrictEqual(refOf(dir), {
      date: "20200113",
      index: 1,
      templateFile: `${dir}/smallbaselineApp.cfg`,
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("mintpy.reference.date = auto reads reference_date.txt beside the template", () => {
  const dir = project("mintpy.reference.date = auto\n", {
    "reference_date.txt": "# written by timeseries_rms\n20200125\n",
  });
  try {
    deepStrictEqual(refOf(dir).date, "20200125");
    deepStrictEqual(refOf(dir).index, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("no reference date: a one-line error where MintPy raises", () => {
  const dirs = [
    project(null),
    project("mintpy.reference.yx = 2,3\n"),
    project("mintpy.reference.date = no\n"),
    project("mintpy.reference.date = auto\n"),
    project("mintpy.reference.date = 20210101\n"),
    project("mintpy.reference.date = auto\n", { "reference_date.txt": "20200101\n20200113\n" }),
  ];
  const patterns = [
    /smallbaselineApp\.cfg: file not found \(--calc-cov needs the reference date/,
    /smallbaselineApp\.cfg: no mintpy\.reference\.date \(--calc-cov/,
    /smallbaselineApp\.cfg: no mintpy\.reference\.date/,
    /mintpy\.reference\.date = auto, but there is no .*reference_date\.txt/,
    /reference date 20210101 \(mintpy\.reference\.date of .*\) is not a date of .*ifgramStack/,
    /reference_date\.txt: one reference date expected, found 2/,
  ];
  try {
    dirs.forEach((dir, i) => {
      throws(() => refOf(dir), (e: Error) => {
        ok(e instanceof InputError, String(e));
        ok(!e.message.includes("\n"), e.message);
        ok(patterns[i]!.test(e.message), `"${e.message}" does not match ${patterns[i]}`);
        return true;
      });
    });
  } finally {
    for (const d of dirs) Deno.removeSync(d, { recursive: true });
  }
});
