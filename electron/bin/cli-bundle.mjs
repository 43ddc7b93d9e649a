// The CLI's bundle (dist/cli, built by build-cli.mjs): one file for Node to load instead of the
// ~150 TypeScript modules tsx would transform and load one by one (~0.5 s of every command).
// It is used only while it is newer than every source it was built from, so an edited tree
// never runs stale code; plain JS so the launcher can check it before tsx is loaded.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where the bundle goes, relative to the repository root. */
export const bundleDir = path.join('dist', 'cli');
/** Written last by a complete build; its mtime is the build's time. */
export const stampName = 'built';

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|mjs|js|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** The bundle's entry when it is complete and newer than electron/ and package.json, else null. */
export function freshBundle(root) {
  let built;
  try {
    built = statSync(path.join(root, bundleDir, stampName)).mtimeMs;
  } catch {
    return null;
  }
  const sources = Math.max(newestMtime(path.join(root, 'electron')), statSync(path.join(root, 'package.json')).mtimeMs);
  return sources < built ? path.join(root, bundleDir, 'cli.js') : null;
}
