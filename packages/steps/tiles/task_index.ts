/**
 * The index of a cluster task: from `--index`, or from the array index variable of the
 * scheduler that started it: SLURM job arrays (`SLURM_ARRAY_TASK_ID`), AWS Batch array jobs
 * (`AWS_BATCH_JOB_ARRAY_INDEX`) and Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`).
 * @module
 */
import { InputError } from "@vinsar/core";

/** The variables read, in order. */
export const INDEX_VARIABLES = [
  "SLURM_ARRAY_TASK_ID",
  "AWS_BATCH_JOB_ARRAY_INDEX",
  "JOB_COMPLETION_INDEX",
] as const;

/**
 * The task index: `flag` when given, else the first of {@link INDEX_VARIABLES} set in `env`.
 * @throws InputError when neither gives a whole number >= 0.
 */
export function taskIndex(
  flag: string | number | undefined,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): number {
  let source = "flag --index", value: string | undefined = flag?.toString();
  if (value === undefined) {
    for (const name of INDEX_VARIABLES) {
      const v = env(name);
      if (v !== undefined && v !== "") {
        source = name;
        value = v;
        break;
      }
    }
  }
  if (value === undefined) {
    throw new InputError(
      `no tile index: give --index I, or run as an array task (${INDEX_VARIABLES.join(", ")})`,
    );
  }
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InputError(`${source}: "${value}" is not a tile index (a whole number >= 0)`);
  }
  return n;
}
