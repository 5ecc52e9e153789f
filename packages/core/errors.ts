/**
 * User-facing errors: a one-line message that names the file, dataset or flag at fault.
 * The CLI prints `vinsar: <message>` and exits non-zero.
 * @module
 */

/** An error caused by the user's input (files, flags), not by a bug. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
