/** crashdeck's version: a build-time constant in the Electron bundle, else read from package.json. */
import { readFileSync } from 'node:fs';

// Defined by vite.main.config.ts; a bundler would otherwise turn the package.json URL below into a
// data: URL that readFileSync cannot open.
declare const __CRASHDECK_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __CRASHDECK_VERSION__ === 'string') return __CRASHDECK_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The app version (package.json). */
export const version: string = readVersion();
