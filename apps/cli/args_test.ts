import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { InputError } from "@vinsar/core";
import {
  type CommandSpec,
  commonOptions,
  findOption,
  formatHelp,
  numberArg,
  parseCommandArgs,
} from "./args.ts";

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

const mintpyLike: CommandSpec = {
  name: "ifgram_inversion",
  usage: "vinsar ifgram_inversion FILE",
  description: "test",
  positionals: ["FILE"],
  options: [
    { names: ["-h", "--help"], nargs: 0 },
    { names: ["-m", "--water-mask"], dest: "waterMaskFile" },
    { names: ["-w", "--weight-func"], dest: "weightFunc", choices: ["var", "fim", "coh", "no"] },
    { names: ["--ex", "--ex-date", "--exclude-date", "--exclude"], dest: "ex", nargs: "+" },
    { names: ["--skip-reference", "--skip-ref"], dest: "skipRef", nargs: 0 },
    { names: ["--ref-date"], dest: "refDate" },
    { names: ["--ref"], dest: "ref" },
    { names: ["--workers"], dest: "workers" },
  ],
};

Deno.test("long flags: any unique prefix, as argparse; an exact spelling wins", () => {
  const a = parseCommandArgs(mintpyLike, ["s.h5", "--weight-fun", "var", "--wa", "wm.h5"]);
  strictEqual(a.weightFunc, "var");
  strictEqual(a.waterMaskFile, "wm.h5");
  // --flag=value with an abbreviated flag; the choice check still applies.
  strictEqual(parseCommandArgs(mintpyLike, ["s.h5", "--weight=coh"]).weightFunc, "coh");
  throws(
    () => parseCommandArgs(mintpyLike, ["s.h5", "--weig", "bogus"]),
    /flag --weig: invalid choice "bogus"/,
  );
  // --ref is a flag of its own and also a prefix of --ref-date: the exact spelling wins.
  const r = parseCommandArgs(mintpyLike, ["s.h5", "--ref", "1", "--ref-d", "20200101"]);
  strictEqual(r.ref, "1");
  strictEqual(r.refDate, "20200101");
  // A prefix of several spellings of one option is that option (--exclude-date, --exclude).
  deepStrictEqual(parseCommandArgs(mintpyLike, ["s.h5", "--exc", "20200101"]).ex, ["20200101"]);
  strictEqual(parseCommandArgs(mintpyLike, ["s.h5", "--skip"]).skipRef, true);
  // Short flags are never abbreviations of long ones.
  throws(() => parseCommandArgs(mintpyLike, ["s.h5", "-we", "var"]), /unknown flag -we/);
});

Deno.test("an ambiguous prefix is an error listing the candidates, as argparse's", () => {
  throws(
    () => parseCommandArgs(mintpyLike, ["s.h5", "--w", "var"]),
    (e: Error) =>
      e instanceof InputError &&
      e.message === "ambiguous option: --w could match --water-mask, --weight-func, --workers",
  );
  throws(
    () => parseCommandArgs(mintpyLike, ["s.h5", "--re=1"]),
    /^InputError: ambiguous option: --re could match --ref-date, --ref$/,
  );
  throws(() => parseCommandArgs(mintpyLike, ["s.h5", "--bogus"]), /unknown flag --bogus/);
  strictEqual(findOption(mintpyLike, "--he")?.names[1], "--help");
  strictEqual(findOption(mintpyLike, "--nothing"), undefined);
});

Deno.test("a prefix matching one MintPy flag and vinsar additions is MintPy's flag", () => {
  const rmsLike: CommandSpec = {
    name: "timeseries_rms",
    usage: "vinsar timeseries_rms FILE",
    description: "test",
    positionals: ["FILE"],
    options: [{ names: ["-m", "--mask"], dest: "maskFile" }, ...commonOptions],
  };
  // --m and --ma abbreviate MintPy's --mask, not vinsar's --max-memory / --memory.
  strictEqual(parseCommandArgs(rmsLike, ["r.h5", "--m", "a.h5"]).maskFile, "a.h5");
  strictEqual(parseCommandArgs(rmsLike, ["r.h5", "--ma", "b.h5"]).maskFile, "b.h5");
  // A prefix of vinsar's flags alone still names them; two MintPy flags stay ambiguous.
  strictEqual(parseCommandArgs(rmsLike, ["r.h5", "--max", "2"]).maxMemory, "2");
  throws(
    () =>
      parseCommandArgs({ ...rmsLike, options: [...rmsLike.options, { names: ["--mark"] }] }, [
        "r.h5",
        "--ma",
        "x",
      ]),
    /ambiguous option: --ma could match --mask, --max-memory, --mark/,
  );
});

Deno.test("help: every option on one line, help texts in one column after the longest flag", () => {
  const help = formatHelp(mintpyLike).split("\n");
  const rows = help.filter((l) => l.startsWith("  -"));
  strictEqual(rows.length, mintpyLike.options.length);
  strictEqual(rows[0], "  -h, --help");
  const longest = "  --ex, --ex-date, --exclude-date, --exclude EX [EX ...]";
  const row = rows.find((l) => l.startsWith(longest))!;
  ok(row, help.join("\n"));
  // The help column starts two spaces after the longest flag, in every row that has help.
  const column = longest.length + 2;
  const withHelp = formatHelp({
    ...mintpyLike,
    options: mintpyLike.options.map((o) => ({ ...o, help: `help of ${o.names.at(-1)}` })),
  }).split("\n").filter((l) => l.startsWith("  -"));
  for (const l of withHelp) {
    strictEqual(l.indexOf("help of "), column, l);
    strictEqual(l[column - 1], " ", l);
  }
});

Deno.test("nargs N takes exactly N values, so a positional may follow (MintPy's -o)", () => {
  const invLike: CommandSpec = {
    name: "ifgram_inversion",
    usage: "vinsar ifgram_inversion STACK",
    description: "test",
    positionals: ["STACK"],
    options: [{ names: ["-o", "--output"], nargs: 3, dest: "outfile" }],
  };
  const r = parseCommandArgs(invLike, ["-o", "a.h5", "b.h5", "c.h5", "stack.h5"]);
  deepStrictEqual(r.outfile, ["a.h5", "b.h5", "c.h5"]);
  deepStrictEqual(r._, ["stack.h5"]);
  throws(() => parseCommandArgs(invLike, ["stack.h5", "-o", "a.h5", "b.h5"]), /-o needs 3 values/);
  ok(formatHelp(invLike).includes("-o, --output OUTFILE OUTFILE OUTFILE"));
});
