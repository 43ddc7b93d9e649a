/**
 * The packaged page is served from a privileged custom scheme, `crashdeck://app/`, instead of
 * file:// (Electron checklist item 18): the page gets a real origin, its responses carry the CSP
 * as a header, it cannot read arbitrary files the way a file:// page can, and the
 * GrantFileProtocolExtraPrivileges fuse can stay off. Files come from the built renderer
 * directory through the serve host's traversal-safe resolver. Plain fetch-API code (Request in,
 * Response out), so it is tested in Node without Electron.
 */
import { readFile } from 'node:fs/promises';
import { contentTypeFor, resolveStatic } from '../serve/static-files.ts';

/** The scheme and the one host the app answers on. */
export const appScheme = 'crashdeck';
export const appOrigin = `${appScheme}://app`;
/** The page the window loads. */
export const appIndexUrl = `${appOrigin}/index.html`;

/**
 * Privileges for protocol.registerSchemesAsPrivileged: `standard` (an origin, relative URLs),
 * `secure` (like https: module scripts, workers, no mixed-content downgrade), fetch support for
 * module loading; no CSP bypass, no service workers.
 */
export const appSchemePrivileges = { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } as const;

/** Security headers on every response of the app's scheme. */
function securityHeadersFor(csp: string): Record<string, string> {
  return { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Opener-Policy': 'same-origin' };
}

/** A protocol.handle handler serving `rendererDir` under crashdeck://app/ with `csp`. */
export function createAppProtocolHandler(rendererDir: string, csp: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = securityHeadersFor(csp);
    const plain = (status: number, text: string): Response => new Response(text, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'bad url');
    }
    if (`${url.protocol}//${url.host}` !== appOrigin) return plain(404, 'not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    const resolved = await resolveStatic(rendererDir, url.pathname);
    if (resolved.kind === 'forbidden') return plain(403, 'forbidden');
    if (resolved.kind === 'not-found') return plain(404, 'not found');
    const body = request.method === 'HEAD' ? null : await readFile(resolved.file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentTypeFor(resolved.file), 'Cache-Control': 'no-cache' } });
  };
}
