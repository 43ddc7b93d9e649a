/**
 * Which crash start-up options worked, per (crash version, kernel release): the next open of
 * any dump of that kernel with that crash starts with them at once instead of failing first.
 * Kept on the machine running crashdeck (also for crash over SSH: the key is the remote crash's
 * version), in `$XDG_CACHE_HOME/crashdeck/crash-start-options.json` (default ~/.cache): learned
 * state, safe to delete. A missing or malformed file means "nothing learned".
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { crashStartOptions, sortOptions, type CrashStartOption } from './start-options.ts';

const EntrySchema = v.object({
  options: v.array(v.picklist(crashStartOptions)),
  /** Why each option was needed (crash's start-up error), shown as the session's reason. */
  reasons: v.record(v.string(), v.string()),
  learnedAt: v.string(),
});
const StoreSchema = v.object({ version: v.literal(1), entries: v.record(v.string(), EntrySchema) });

/** What was learned for one (crash version, release). */
export type LearnedOptions = v.InferOutput<typeof EntrySchema>;

/** The store's file for this environment. */
export function startOptionsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'crashdeck', 'crash-start-options.json');
}

function keyOf(crashVersion: string, release: string): string {
  return `${crashVersion} ${release}`;
}

async function readStore(file: string): Promise<v.InferOutput<typeof StoreSchema>> {
  try {
    const parsed = v.safeParse(StoreSchema, JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) return parsed.output;
  } catch {
    // missing or malformed: nothing learned
  }
  return { version: 1, entries: {} };
}

/** Remembered start-up options of crash `crashVersion` for kernel `release`, or null. */
export async function recallStartOptions(crashVersion: string | null, release: string | null, env: NodeJS.ProcessEnv = process.env): Promise<LearnedOptions | null> {
  if (!crashVersion || !release) return null;
  const store = await readStore(startOptionsPath(env));
  return store.entries[keyOf(crashVersion, release)] ?? null;
}

/**
 * Remember (or forget, with no options) what crash `crashVersion` needed for kernel `release`.
 * Written via a temporary file and rename so a concurrent reader never sees half a file.
 */
export async function rememberStartOptions(
  crashVersion: string | null,
  release: string | null,
  options: readonly CrashStartOption[],
  reasons: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (!crashVersion || !release) return;
  const file = startOptionsPath(env);
  const store = await readStore(file);
  const key = keyOf(crashVersion, release);
  if (options.length === 0) delete store.entries[key];
  else store.entries[key] = { options: sortOptions(options), reasons: { ...reasons }, learnedAt: new Date().toISOString() };
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(store, null, 2)}\n`);
  await rename(tmp, file);
}
