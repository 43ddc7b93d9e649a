/**
 * Parser registry: crash command line -> parsed model. Pure, never throws.
 * (Filled in by the parsers; until a command has one, it returns null.)
 */
import type { Parsed } from '../api/contract.ts';

/** Parse the raw output of `command` (e.g. "kmem -s", "vm 179"); null when no parser exists. */
export function parseCommandOutput(command: string, raw: string): Parsed | null {
  void command;
  void raw;
  return null;
}
