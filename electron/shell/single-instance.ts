/**
 * One crashdeck per desktop session: a second launch (`crashdeck /var/crash/.../dump`, a
 * double-clicked .crashcase) hands its paths to the running app and exits.
 */
import type { App } from 'electron';
import path from 'node:path';
import type { DialogKind } from '../api/preload-api.ts';

/** Paths found on a command line, grouped as the app opens them. */
export interface LaunchPaths {
  kind: DialogKind;
  paths: string[];
}

/**
 * The file arguments of an Electron command line, resolved against the launch directory.
 * `argv[0]` is the executable; under `electron .` (defaultApp) `argv[1]` is the app path.
 * Chromium/Electron switches (`--foo`) are skipped; `.crashcase` files open as case bundles,
 * anything else as a vmcore.
 */
export function pathsFromArgv(argv: readonly string[], cwd: string, defaultApp: boolean): LaunchPaths[] {
  const args = argv.slice(defaultApp ? 2 : 1).filter((a) => a !== '' && !a.startsWith('-'));
  const cases: string[] = [];
  const dumps: string[] = [];
  for (const a of args) {
    const p = path.resolve(cwd, a.startsWith('file://') ? decodeURIComponent(new URL(a).pathname) : a);
    (p.toLowerCase().endsWith('.crashcase') ? cases : dumps).push(p);
  }
  const out: LaunchPaths[] = [];
  if (dumps.length) out.push({ kind: 'vmcore', paths: dumps });
  if (cases.length) out.push({ kind: 'case', paths: cases });
  return out;
}

/**
 * Take the single-instance lock. Returns false when another crashdeck runs (this process must
 * quit; its paths went to the running one). `onLaunch` receives paths of later launches.
 */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'on'>, defaultApp: boolean, onLaunch: (paths: LaunchPaths[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv, workingDirectory) => onLaunch(pathsFromArgv(argv, workingDirectory, defaultApp)));
  return true;
}
