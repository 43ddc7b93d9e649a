/** Test helpers for the parser tests. */
import type { Diagnosis } from '../../../electron/api/contract.ts';

/** Diagnostics a user would see as a problem (warning or error), as "code: message" strings. */
export function problems(diagnostics: Diagnosis[]): string[] {
  return diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`);
}
