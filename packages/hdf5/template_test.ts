import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import {
  isTemplateOff,
  parseTemplate,
  readTemplate,
  type Template,
  templateSection,
} from "./template.ts";

const TEXT = `
## smallbaselineApp.cfg excerpt
mintpy.compute.maxMemory = auto   #[float > 0.0], auto for 4, max memory in GB
mintpy.timeFunc.polynomial = 2    # degree
  mintpy.timeFunc.periodic   = [1.0, 0.5]  # years
mintpy.timeFunc.stepDate   = 20200113 # first
mintpy.timeFunc.stepDate   = 20200125 # a later duplicate wins
mintpy.timeFunc.exp        =          # blank: ignored
mintpy.timeFunc.log        = AUTO
mintpy.timeFunc.endDate    = No
mintpy.timeFunc.unknownKey = 3
# mintpy.timeFunc.startDate = 20200101
% mintpy.timeFunc.bootstrapCount = 9
not a key value line
mintpy.residualRMS.cutoff = auto
`;

function withTemp(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-template-test-" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("template: comments, trimming, brackets, duplicates, blank values", () => {
  const t = parseTemplate(TEXT);
  strictEqual(t.get("mintpy.compute.maxMemory"), "auto");
  strictEqual(t.get("mintpy.timeFunc.polynomial"), "2");
  strictEqual(t.get("mintpy.timeFunc.periodic"), "1.0, 0.5");
  strictEqual(t.get("mintpy.timeFunc.stepDate"), "20200125");
  strictEqual(t.has("mintpy.timeFunc.exp"), false);
  strictEqual(t.has("mintpy.timeFunc.startDate"), false);
  strictEqual(t.has("mintpy.timeFunc.bootstrapCount"), false);
  strictEqual(t.has("not a key value line"), false);
  strictEqual(t.size, 8);
});

Deno.test("template: a later blank duplicate does not clear a value (as MintPy)", () => {
  const t = parseTemplate("a.b = 1\na.b =\r\na.c = x # y = z\n");
  deepStrictEqual([...t], [["a.b", "1"], ["a.c", "x"]]);
});

Deno.test("template section: prefix removed, keys restricted, auto replaced", () => {
  const t: Template = parseTemplate(TEXT);
  const s = templateSection(t, "mintpy.timeFunc.", {
    polynomial: "1",
    periodic: "no",
    stepDate: "no",
    exp: "no",
    log: "no",
    endDate: "no",
    startDate: "no",
  });
  deepStrictEqual(s, {
    polynomial: "2",
    periodic: "1.0, 0.5",
    stepDate: "20200125",
    log: "no", // AUTO, any case, takes the auto value
    endDate: "No", // off words come out verbatim
  });
  deepStrictEqual(templateSection(t, "mintpy.compute.", { maxMemory: "4" }), { maxMemory: "4" });
  deepStrictEqual(templateSection(t, "mintpy.residualRMS.", { cutoff: "3", deramp: "quadratic" }), {
    cutoff: "3",
  });
  deepStrictEqual(templateSection(t, "mintpy.nothing.", { a: "1" }), {});
  // Inherited object keys are not template keys.
  deepStrictEqual(templateSection(parseTemplate("p.toString = 1"), "p.", {}), {});
});

Deno.test("template: MintPy's off words", () => {
  for (const v of ["no", "No", "NONE", "false", " False "]) ok(isTemplateOff(v), v);
  for (const v of ["auto", "0", "yes", "nothing", ""]) ok(!isTemplateOff(v), v);
});

Deno.test("template file: read, and a one-line input error naming an unreadable file", () => {
  withTemp((dir) => {
    Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, TEXT);
    const t = readTemplate(`${dir}/smallbaselineApp.cfg`);
    strictEqual(t.get("mintpy.timeFunc.polynomial"), "2");
    throws(
      () => readTemplate(`${dir}/missing.cfg`),
      (e: Error) => e instanceof InputError && e.message === `${dir}/missing.cfg: file not found`,
    );
    throws(
      () => readTemplate(dir), // a directory
      (e: Error) =>
        e instanceof InputError && e.message.startsWith(`${dir}: cannot read template file`) &&
        !e.message.includes("\n"),
    );
  });
});
