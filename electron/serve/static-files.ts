/**
 * Resolving request paths to files of the built renderer without ever leaving its directory:
 * the path is decoded once, must not hold NUL or backslashes, and the real path (symlinks
 * followed) must stay under the real root.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types for what a Vite build emits. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type for a file name (octet-stream when unknown, which nosniff keeps inert). */
export function contentTypeFor(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Outcome of resolving a URL path. */
export type Resolved = { kind: 'file'; file: string; size: number } | { kind: 'not-found' } | { kind: 'forbidden' };

/**
 * Map a URL pathname (still percent-encoded) to a file under `root`. `/` and extension-less
 * paths that match no file fall back to index.html so client-side routes survive a reload.
 */
export async function resolveStatic(root: string, urlPath: string): Promise<Resolved> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'forbidden' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return { kind: 'forbidden' };

  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { kind: 'not-found' };
  }
  const rel = decoded.replace(/^\/+/, '');
  const direct = await fileUnder(realRoot, rel === '' ? 'index.html' : rel);
  if (direct.kind !== 'not-found') return direct;
  if (path.extname(rel) === '') return fileUnder(realRoot, 'index.html');
  return direct;
}

async function fileUnder(realRoot: string, rel: string): Promise<Resolved> {
  const candidate = path.resolve(realRoot, rel);
  if (!isInside(realRoot, candidate)) return { kind: 'forbidden' };
  try {
    const real = await realpath(candidate);
    if (!isInside(realRoot, real)) return { kind: 'forbidden' };
    const st = await stat(real);
    if (!st.isFile()) return { kind: 'not-found' };
    return { kind: 'file', file: real, size: st.size };
  } catch {
    return { kind: 'not-found' };
  }
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
