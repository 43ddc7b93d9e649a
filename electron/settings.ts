/**
 * The user's settings file, `$XDG_CONFIG_HOME/crashdeck/settings.json` (default
 * ~/.config/crashdeck/settings.json). Today it names the crash binary, so a machine whose
 * distribution crash is too old for its kernels can point at a newer one once
 * (native-tools/install-crash.sh writes it). A missing or malformed file means "no settings".
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';

const SettingsSchema = v.object({
  /** crash binary to use when neither --crash nor CRASHDECK_CRASH names one. */
  crashPath: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** debuginfod servers tried after $DEBUGINFOD_URLS for debug symbols by build-id (electron/symbols/; `crashdeck doctor` checks they answer). */
  debuginfodUrls: v.optional(v.array(v.pipe(v.string(), v.minLength(1)))),
  /** python3 that imports drgn, for the drgn engine (electron/drgn/; native-tools/install-drgn.sh writes it). */
  drgnPython: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** false: never start drgn beside crash (CRASHDECK_DRGN=off does the same for one run). */
  drgn: v.optional(v.boolean()),
  /** false: never build or use a gdb-indexed copy of the vmlinux (electron/crash/gdb-index.ts; default on). */
  gdbIndex: v.optional(v.boolean()),
});

/** What settings.json may hold. */
export type Settings = v.InferOutput<typeof SettingsSchema>;

/** Where settings.json lives for this environment. */
export function settingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'crashdeck', 'settings.json');
}

/** Read settings.json; unreadable or invalid files yield {} (the defaults), never an error. */
export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(settingsPath(env), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = v.safeParse(SettingsSchema, JSON.parse(text));
    return parsed.success ? parsed.output : {};
  } catch {
    return {};
  }
}
