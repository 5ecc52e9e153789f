/**
 * Python's `str()` of the values MintPy records as attributes (floats, strings, lists), so
 * attributes such as `mintpy.timeFunc.periodic = [1.0, 0.5]` read exactly as MintPy's.
 * @module
 */

/**
 * Python's `repr(float)`: shortest round-trip digits, a `.0` on whole numbers, scientific
 * notation (`1e-05`, `1e+16`) outside `1e-4 <= |x| < 1e16`.
 * @example
 * ```ts
 * pyFloat(1); // "1.0"
 * pyFloat(0.00001); // "1e-05"
 * ```
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith("-") ? "-" : "";
  const digits = mant.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

/** Python's `repr(str)` for printable text: single quotes unless the text holds one. */
export function pyStrRepr(s: string): string {
  const escaped = s.replaceAll("\\", "\\\\");
  if (s.includes("'") && !s.includes('"')) return `"${escaped}"`;
  return `'${escaped.replaceAll("'", "\\'")}'`;
}

/** A value MintPy records: None, int, float, str, or (nested) lists of them. */
export type PyValue = null | { int: number } | number | string | PyValue[];

/**
 * Python's `str()` of a value: numbers are floats unless wrapped as `{ int }`; strings in
 * lists are quoted (repr) but a bare string is itself.
 */
export function pyStr(v: PyValue): string {
  if (typeof v === "string") return v;
  return pyRepr(v);
}

function pyRepr(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "string") return pyStrRepr(v);
  if (typeof v === "number") return pyFloat(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return String(v.int);
}
