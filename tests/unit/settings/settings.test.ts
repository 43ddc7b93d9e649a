/**
 * Which crash the app runs: --crash, else CRASHDECK_CRASH, else settings.json, else `crash` on
 * PATH — checked through the Api's app.info, the way the UI shows it.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';

function configHome(settings: string | null): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-settings-'));
  if (settings !== null) {
    mkdirSync(path.join(dir, 'crashdeck'));
    writeFileSync(path.join(dir, 'crashdeck', 'settings.json'), settings);
  }
  return dir;
}

async function crashPathWith(env: NodeJS.ProcessEnv, crashPath?: string): Promise<string> {
  const api = createApi({ env, ...(crashPath ? { crashPath } : {}) });
  try {
    return (await api.call('app.info', {})).crashPath;
  } finally {
    await api.dispose();
  }
}

describe('choosing the crash binary', () => {
  it('uses crash from PATH when nothing names another', async () => {
    expect(await crashPathWith({ XDG_CONFIG_HOME: configHome(null) })).toBe('crash');
  });

  it('uses the crash named in settings.json', async () => {
    const home = configHome(JSON.stringify({ crashPath: '/opt/crash-8.0.6/bin/crash' }));
    expect(await crashPathWith({ XDG_CONFIG_HOME: home })).toBe('/opt/crash-8.0.6/bin/crash');
  });

  it('lets CRASHDECK_CRASH override settings.json, and an explicit choice override both', async () => {
    const home = configHome(JSON.stringify({ crashPath: '/opt/from-settings' }));
    expect(await crashPathWith({ XDG_CONFIG_HOME: home, CRASHDECK_CRASH: '/opt/from-env' })).toBe('/opt/from-env');
    expect(await crashPathWith({ XDG_CONFIG_HOME: home, CRASHDECK_CRASH: '/opt/from-env' }, '/opt/explicit')).toBe('/opt/explicit');
  });

  it('ignores a malformed or mistyped settings file instead of failing', async () => {
    expect(await crashPathWith({ XDG_CONFIG_HOME: configHome('{not json') })).toBe('crash');
    expect(await crashPathWith({ XDG_CONFIG_HOME: configHome(JSON.stringify({ crashPath: 42 })) })).toBe('crash');
  });
});
