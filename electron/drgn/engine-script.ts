/**
 * The drgn engine's program text (crashdeck_drgn.py) and how to find the python3 that runs it.
 * The text is passed to `python3 -c`, so the same program runs on this machine and, over SSH,
 * on the dump's host without installing anything there.
 */
import { fileURLToPath } from 'node:url';
import type { Settings } from '../settings.ts';
import { readShippedFile, resourcesPath } from '../shipped-file.ts';

/**
 * The engine's program text (read once): CRASHDECK_DRGN_SCRIPT, beside this module (sources,
 * tsx), the sources seen from the CLI bundle (dist/cli), or a packaged app's resources.
 */
export function drgnEngineScript(): Promise<string> {
  return readShippedFile('crashdeck_drgn.py', () => [
    process.env.CRASHDECK_DRGN_SCRIPT ?? null,
    fileURLToPath(new URL('./crashdeck_drgn.py', import.meta.url)),
    fileURLToPath(new URL('../../electron/drgn/crashdeck_drgn.py', import.meta.url)),
    resourcesPath('drgn', 'crashdeck_drgn.py'),
  ], (tried) => new Error(`crashdeck_drgn.py not found (looked in ${tried.join(', ')}); set CRASHDECK_DRGN_SCRIPT to its path`));
}

/**
 * The python3 the user named for drgn: explicit choice, else CRASHDECK_DRGN_PYTHON, else
 * settings.json's drgnPython (native-tools/install-drgn.sh); null when none is named, and then
 * probe.ts findDrgnPython tries `python3` and /usr/bin/python3.
 */
export function resolveDrgnPython(explicit?: string | null, env: NodeJS.ProcessEnv = process.env, settings: Settings = {}): string | null {
  return explicit || env.CRASHDECK_DRGN_PYTHON || settings.drgnPython || null;
}
