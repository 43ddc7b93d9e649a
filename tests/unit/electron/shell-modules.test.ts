/**
 * The desktop shell's pure decisions, without Electron: which frames may call in, which URLs
 * leave the app, how launch arguments become paths, where a restored window goes, what Recent
 * keeps.
 */
import { describe, expect, it } from 'vitest';
import type { RecentDump } from '../../../electron/api/preload-api.ts';
import { withRecent, maxRecent } from '../../../electron/shell/recent-dumps.ts';
import { isSafeExternalUrl } from '../../../electron/shell/security.ts';
import { pathsFromArgv } from '../../../electron/shell/single-instance.ts';
import { storageRefusal } from '../../../electron/shell/secret-store.ts';
import { createSenderCheck } from '../../../electron/shell/trusted-sender.ts';
import { fitToDisplays } from '../../../electron/shell/window-state.ts';

describe('sender check', () => {
  const packaged = createSenderCheck({ appOrigin: 'crashdeck://app' });
  it('accepts the packaged page on crashdeck://app, any path or hash route', () => {
    expect(packaged({ url: 'crashdeck://app/index.html', parent: null })).toBe(true);
    expect(packaged({ url: 'crashdeck://app/index.html#/slab', parent: null })).toBe(true);
  });
  it('refuses other hosts and schemes, file:// pages, credentials in the URL and subframes', () => {
    for (const url of [
      'crashdeck://evil/index.html',
      'crashdeck://app.evil.example/index.html',
      'crashdeck://user:pw@app/index.html',
      'file:///opt/crashdeck/resources/app.asar/.vite/renderer/main_window/index.html',
      'https://app/index.html',
      'http://localhost:5173/',
      'about:blank',
      'not a url',
    ]) {
      expect(packaged({ url, parent: null }), url).toBe(false);
    }
    expect(packaged({ url: 'crashdeck://app/index.html', parent: {} })).toBe(false);
    expect(packaged(null)).toBe(false);
  });
  it('in development accepts only the dev server origin', () => {
    const dev = createSenderCheck({ appOrigin: 'crashdeck://app', devServerUrl: 'http://localhost:5173' });
    expect(dev({ url: 'http://localhost:5173/#/overview', parent: null })).toBe(true);
    expect(dev({ url: 'http://localhost:5174/', parent: null })).toBe(false);
    expect(dev({ url: 'http://127.0.0.1:5173/', parent: null })).toBe(false);
    expect(dev({ url: 'crashdeck://app/index.html', parent: null })).toBe(false);
  });
});

describe('external links', () => {
  it('opens only plain http and https', () => {
    expect(isSafeExternalUrl('https://www.kernel.org/doc/html/latest/')).toBe(true);
    expect(isSafeExternalUrl('http://example.com')).toBe(true);
    for (const u of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'ssh://host', 'vbscript:x', 'https://user:pw@host/', '', '//host/x']) {
      expect(isSafeExternalUrl(u), u).toBe(false);
    }
  });
});

describe('launch arguments', () => {
  it('skips the executable, the app path under `electron .`, and switches', () => {
    expect(pathsFromArgv(['/usr/bin/electron', '.', '--inspect', 'dump.1'], '/var/crash/1', true)).toEqual([{ kind: 'vmcore', paths: ['/var/crash/1/dump.1'] }]);
    expect(pathsFromArgv(['/opt/crashdeck/crashdeck'], '/', false)).toEqual([]);
  });
  it('opens .crashcase (any case) as a case bundle and file:// URLs as paths', () => {
    expect(pathsFromArgv(['/opt/crashdeck/crashdeck', 'file:///srv/My%20Case.CRASHCASE'], '/', false)).toEqual([{ kind: 'case', paths: ['/srv/My Case.CRASHCASE'] }]);
  });
});

describe('window placement', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('keeps a window that is on a display', () => {
    const s = { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: false };
    expect(fitToDisplays(s, screen)).toEqual(s);
  });
  it('moves a window whose title bar is on no display into the first display', () => {
    const r = fitToDisplays({ bounds: { x: 100, y: -2000, width: 800, height: 600 }, maximized: true }, screen);
    expect(r.bounds.y).toBeGreaterThanOrEqual(0);
    expect(r.bounds.y + r.bounds.height).toBeLessThanOrEqual(1080);
    expect(r.maximized).toBe(true);
  });
  it('never restores a uselessly small window', () => {
    const r = fitToDisplays({ bounds: { x: 10, y: 10, width: 20, height: 5 }, maximized: false }, screen);
    expect(r.bounds.width).toBeGreaterThanOrEqual(640);
    expect(r.bounds.height).toBeGreaterThanOrEqual(480);
  });
});

describe('recent dumps', () => {
  const d = (vmcore: string, host = 'local') => ({ vmcore, vmlinux: null, host, openedAt: 0 });
  it('moves a reopened dump to the front and keeps the same path on another host apart', () => {
    const list = withRecent(withRecent(withRecent([], d('/a')), d('/a', 'ops@db1')), d('/a'));
    expect(list.map((x) => `${x.host}:${x.vmcore}`)).toEqual(['local:/a', 'ops@db1:/a']);
  });
  it('keeps at most the limit', () => {
    let list: RecentDump[] = [];
    for (let i = 0; i < maxRecent + 5; i++) list = withRecent(list, d(`/dump${i}`));
    expect(list).toHaveLength(maxRecent);
    expect(list[0]!.vmcore).toBe(`/dump${maxRecent + 4}`);
  });
});

describe('secret storage policy', () => {
  const safe = (backend: string | undefined, available = true) => ({
    isEncryptionAvailable: () => available,
    encryptString: (s: string) => Buffer.from(s),
    decryptString: (b: Buffer) => b.toString(),
    ...(backend === undefined ? {} : { getSelectedStorageBackend: () => backend }),
  });
  it('allows a real keyring on Linux and refuses basic_text or an unknown backend', () => {
    expect(storageRefusal(safe('gnome_libsecret'), 'linux')).toBeNull();
    expect(storageRefusal(safe('kwallet5'), 'linux')).toBeNull();
    expect(storageRefusal(safe('basic_text'), 'linux')).toMatch(/keyring/i);
    expect(storageRefusal(safe(undefined), 'linux')).not.toBeNull();
  });
  it('allows the OS store elsewhere when encryption is available', () => {
    expect(storageRefusal(safe(undefined), 'darwin')).toBeNull();
    expect(storageRefusal(safe(undefined, false), 'darwin')).not.toBeNull();
  });
});

describe('CSP meta tag for the packaged file:// page', () => {
  it('carries the strict policy, minus frame-ancestors which a meta tag cannot set', async () => {
    const { cspMetaPlugin, metaCsp } = await import('../../../electron/shell/csp-meta.ts');
    const csp = metaCsp();
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('frame-ancestors');
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const plugin = cspMetaPlugin();
    expect(plugin.apply).toBe('build');
    const tags = (plugin.transformIndexHtml as () => { tag: string; attrs: Record<string, string>; injectTo: string }[])();
    expect(tags).toEqual([{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: csp }, injectTo: 'head-prepend' }]);
  });
});

describe('SSH in the desktop app', () => {
  it('answers a passphrase or password prompt only with what the user remembered', async () => {
    const { rememberedAnswers, sshSecretId } = await import('../../../electron/shell/ssh-desktop.ts');
    const stored = new Map([[sshSecretId({ kind: 'passphrase', host: 'ops@db1:22', keyFile: '/home/u/.ssh/id_ed25519' })!, 'correct horse']]);
    const answer = rememberedAnswers({ get: async (id) => stored.get(id) ?? null });
    expect(await answer({ kind: 'passphrase', host: 'ops@db1:22', keyFile: '/home/u/.ssh/id_ed25519', message: '', echo: false })).toBe('correct horse');
    expect(await answer({ kind: 'passphrase', host: 'ops@db1:22', keyFile: '/home/u/.ssh/id_rsa', message: '', echo: false })).toBeNull();
    expect(await answer({ kind: 'password', host: 'ops@db1:22', message: 'Password:', echo: false })).toBeNull();
    expect(await answer({ kind: 'keyboard-interactive', host: 'ops@db1:22', message: 'OTP:', echo: true })).toBeNull();
  });

  it('asks the user (the page prompt) only for what was not remembered, and passes a cancel through', async () => {
    const { rememberedThenAsk, sshSecretId } = await import('../../../electron/shell/ssh-desktop.ts');
    const stored = new Map([[sshSecretId({ kind: 'passphrase', host: 'ops@db1:22', keyFile: '/home/u/.ssh/id_ed25519' })!, 'correct horse']]);
    const asked: string[] = [];
    const answer = rememberedThenAsk({ get: async (id) => stored.get(id) ?? null }, async (p) => {
      asked.push(p.kind);
      return p.kind === 'password' ? 'typed in the page' : null;
    });
    expect(await answer({ kind: 'passphrase', host: 'ops@db1:22', keyFile: '/home/u/.ssh/id_ed25519', message: '', echo: false })).toBe('correct horse');
    expect(asked).toEqual([]);
    expect(await answer({ kind: 'password', host: 'ops@db1:22', message: 'Password:', echo: false })).toBe('typed in the page');
    expect(await answer({ kind: 'passphrase', host: 'ops@db1:22', keyFile: '/home/u/.ssh/id_rsa', message: '', echo: false })).toBeNull();
    expect(asked).toEqual(['password', 'passphrase']);
  });

  it('asks about an unknown host key in a dialog that shows the fingerprint and defaults to Cancel', async () => {
    const { confirmHostKeyDialog } = await import('../../../electron/shell/ssh-desktop.ts');
    const info = { host: 'ops@db1:22', name: 'db1', keyType: 'ssh-ed25519', fingerprint: 'SHA256:' + 'A'.repeat(43) };
    const shown: { detail?: string; defaultId?: number; buttons?: string[] }[] = [];
    const dialog = (response: number) => ({
      showMessageBox: async (...args: unknown[]) => {
        shown.push(args.at(-1) as (typeof shown)[number]);
        return { response, checkboxChecked: false };
      },
    });
    expect(await confirmHostKeyDialog(dialog(0) as never, () => null, info)).toBe(false);
    expect(await confirmHostKeyDialog(dialog(1) as never, () => null, info)).toBe(true);
    expect(shown[0]!.detail).toContain(info.fingerprint);
    expect(shown[0]!.buttons![shown[0]!.defaultId!]).toBe('Cancel');
  });
});
