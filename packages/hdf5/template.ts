/**
 * MintPy's template files (`smallbaselineApp.cfg`, `-t/--template`), read as MintPy's
 * `readfile.read_template` and `utils.check_template_auto_value` do.
 *
 * Syntax: `key = value` lines; text after `#` is a comment, and so are lines starting with
 * `%` or `!`; keys and values are trimmed;
 * square brackets are stripped from values (`[1, 2]` is `1, 2`); a line without `=` or with
 * a blank value is ignored; a later duplicate key wins over an earlier one.
 * @module
 */
import { InputError } from "@vinsar/core";

/** A template file's `key = value` pairs (keys in file order of their first appearance). */
export type Template = Map<string, string>;

/** Parse template text (see the module docs for the syntax). */
export function parseTemplate(text: string): Template {
  const out: Template = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.split("#")[0]!;
    if (/^\s*[%!]/.test(line)) continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).replaceAll("[", "").replaceAll("]", "").trim();
    if (key && value) out.set(key, value);
  }
  return out;
}

/**
 * Read the template file at `path`.
 * @throws InputError naming the file when it cannot be read (`PATH: file not found`, or
 * `PATH: cannot read template file (reason)`).
 */
export function readTemplate(path: string): Template {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new InputError(`${path}: file not found`);
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new InputError(`${path}: cannot read template file (${why})`);
  }
  return parseTemplate(text);
}

/** Whether a template value is one of MintPy's "off" words (`no`, `none`, `false`). */
export function isTemplateOff(value: string): boolean {
  return ["no", "none", "false"].includes(value.trim().toLowerCase());
}

/**
 * The keys of `template` under `prefix` (e.g. `"mintpy.timeFunc."`), with the prefix removed,
 * restricted to the keys of `autoValues` (others, and keys absent from the template, are left
 * out), and a value of `auto` (any case) replaced by `autoValues[key]`.
 *
 * MintPy's "off" words (`no`, `none`, `false`, any case) come out verbatim, as strings (MintPy
 * turns them into False/None): test them with {@link isTemplateOff}. So does an `auto` whose
 * default is such a word. Other values are returned as written (brackets stripped).
 */
export function templateSection(
  template: Template,
  prefix: string,
  autoValues: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of template) {
    if (!key.startsWith(prefix)) continue;
    const k = key.slice(prefix.length);
    if (!Object.hasOwn(autoValues, k)) continue;
    out[k] = value.toLowerCase() === "auto" ? autoValues[k]! : value;
  }
  return out;
}
