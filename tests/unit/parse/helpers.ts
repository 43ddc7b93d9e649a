/** Test helpers for the parser tests. */
import type { Diagnosis } from '../../../electron/api/contract.ts';

/** Diagnostics a user would see as a problem (warning or error), as "code: message" strings. */
export function problems(diagnostics: Diagnosis[]): string[] {
  return diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`);
}

/** meta.json's `truth.panic_task.taint_string` ("Not tainted" / "Tainted: G           OE"). */
export function taintString(meta: { truth: { panic_task: object } }): string {
  const t = (meta.truth.panic_task as { taint_string?: unknown }).taint_string;
  if (typeof t !== 'string') throw new Error('meta.json truth.panic_task.taint_string missing');
  return t;
}
