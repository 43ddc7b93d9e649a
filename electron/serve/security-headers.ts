/**
 * Headers every serve-host response carries. The CSP keeps a page compromised by hostile dump
 * text from loading foreign code or phoning home: scripts only from this origin, connections only
 * back to this origin's WebSocket.
 */

/**
 * crashdeck's Content-Security-Policy, shared by the serve host and the Electron window;
 * `connect` lists the extra connect-src sources (the WebSocket's ws://host:port).
 * `style-src 'unsafe-inline'`: Svelte writes `style="..."` attributes from templates and Monaco
 * injects `<style>` elements at runtime; scripts stay strict. `worker-src blob:`: Monaco's
 * workers. `img-src data:`: inline icons.
 */
export function crashdeckCsp(connect: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    ["connect-src 'self'", ...connect].join(' '),
    "worker-src 'self' blob:",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The CSP for a page served from `host` (a validated `host:port`). */
export function contentSecurityPolicy(host: string): string {
  return crashdeckCsp([`ws://${host}`]);
}

/** All security headers for a response to a request whose Host was `host`. */
export function securityHeaders(host: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
