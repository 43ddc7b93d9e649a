/**
 * The packaged page's own scheme (electron/shell/app-protocol.ts), driven with real fetch-API
 * Requests in Node: the renderer build's files with the CSP, nothing outside it, no other host.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appIndexUrl, createAppProtocolHandler } from '../../../electron/shell/app-protocol.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'crashdeck-app-scheme-'));
const root = path.join(tmp, 'main_window');
mkdirSync(path.join(root, 'assets'), { recursive: true });
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app page</title>');
writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'export {}');
writeFileSync(path.join(tmp, 'secret.txt'), 'SECRET-OUTSIDE');
symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'assets', 'leak.txt'));
const csp = "default-src 'self'; script-src 'self'";
const handle = createAppProtocolHandler(root, csp);

describe('crashdeck://app', () => {
  it('serves index.html and module scripts with their types and the CSP', async () => {
    const page = await handle(new Request(appIndexUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('app page');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await handle(new Request('crashdeck://app/assets/index-abc.js'));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('never serves files outside the build, however the path is written', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/leak.txt', '/index.html%00']) {
      const r = await handle(new Request(`crashdeck://app${p}`));
      expect(await r.text(), p).not.toContain('SECRET-OUTSIDE');
      expect([403, 404], p).toContain(r.status);
    }
  });

  it('answers only on its own host and only to GET/HEAD', async () => {
    expect((await handle(new Request('crashdeck://other/index.html'))).status).toBe(404);
    expect((await handle(new Request(appIndexUrl, { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handle(new Request(appIndexUrl, { method: 'HEAD' }));
    expect(head.status).toBe(200);
  });
});
