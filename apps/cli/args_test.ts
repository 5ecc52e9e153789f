import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import { type CommandSpec, formatHelp, numberArg, parseCommandArgs } from "./args.ts";

const spec: CommandSpec = {
  name: "timeseries2velocity",
  usage: "vinsar timeseries2velocity FILE",
  description: "test",
  positionals: ["FILE"],
  options: [
    { names: ["-o", "--output"] },
    { names: ["--periodic"], nargs: "+" },
    { names: ["--exp"], nargs: "+", append: true },
    { names: ["--save-res"], nargs: 0 },
    { names: ["--uq"], choices: ["residue", "bootstrap"], default: "residue" },
    { names: ["--ref-yx"], nargs: "+" },
  ],
};

Deno.test("argparse-style: nargs, append, switches, defaults, --flag=value, negative numbers", () => {
  const a = parseCommandArgs(
    spec,
    [
      "ts.h5",
      "--periodic",
      "1",
      "0.5",
      "--exp",
      "20200101",
      "60",
      "--exp",
      "20210101",
      "30",
      "--save-res",
      "-o=v.h5",
      "--ref-yx",
      "-3",
      "4",
    ].map((s) => s === "-o=v.h5" ? "--output=v.h5" : s),
  );
  deepStrictEqual(a._, ["ts.h5"]);
  deepStrictEqual(a.periodic, ["1", "0.5"]);
  deepStrictEqual(a.exp, [["20200101", "60"], ["20210101", "30"]]);
  strictEqual(a.saveRes, true);
  strictEqual(a.output, "v.h5");
  strictEqual(a.uq, "residue");
  deepStrictEqual(a.refYx, ["-3", "4"]);
});

Deno.test("bad flags are one-line InputErrors naming the flag", () => {
  throws(
    () => parseCommandArgs(spec, ["ts.h5", "--bogus"]),
    (e: Error) => e instanceof InputError && /unknown flag --bogus/.test(e.message),
  );
  throws(
    () => parseCommandArgs(spec, ["ts.h5", "--uq", "magic"]),
    /flag --uq: invalid choice "magic"/,
  );
  throws(() => parseCommandArgs(spec, ["ts.h5", "-o"]), /flag -o needs a value/);
  throws(() => parseCommandArgs(spec, ["ts.h5", "--periodic"]), /at least one value/);
  throws(() => parseCommandArgs(spec, []), /missing argument FILE/);
  throws(() => parseCommandArgs(spec, ["a.h5", "b.h5"]), /unexpected argument "b.h5"/);
  throws(() => numberArg("abc", "--bc"), /flag --bc: "abc" is not a number/);
  strictEqual(numberArg("1e3", "--bc"), 1000);
  strictEqual(formatHelp(spec).split("\n")[0], "usage: vinsar timeseries2velocity FILE");
});
