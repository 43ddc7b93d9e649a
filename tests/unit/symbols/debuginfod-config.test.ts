/**
 * Which servers and which cache: DEBUGINFOD_URLS (space-separated, elfutils) then settings,
 * policy words and junk reported, the client cache path by elfutils' rules, and the sweep that
 * removes only temps whose writer is dead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedDebuginfoPath, debuginfodCacheDir, sweepStaleTemps, tempPrefix } from '../../../electron/symbols/debuginfod-cache.ts';
import { debuginfoUrl, debuginfodUrls, noUrlsHint } from '../../../electron/symbols/debuginfod-urls.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-dcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('debuginfodUrls', () => {
  it('splits DEBUGINFOD_URLS on any whitespace, then adds settings, without duplicates or trailing slashes', () => {
    const got = debuginfodUrls({ DEBUGINFOD_URLS: ' https://debuginfod.debian.net/ \n http://127.0.0.1:8002 ima:enforcing ftp://x' }, { debuginfodUrls: ['http://127.0.0.1:8002/', 'https://debuginfod.ubuntu.com'] });
    expect(got.urls).toEqual(['https://debuginfod.debian.net', 'http://127.0.0.1:8002', 'https://debuginfod.ubuntu.com']);
    expect(got.ignored).toEqual(['ima:enforcing', 'ftp://x']);
    expect(debuginfodUrls({}, {})).toEqual({ urls: [], ignored: [] });
    expect(debuginfoUrl('http://h:1', 'abc1')).toBe('http://h:1/buildid/abc1/debuginfo');
  });

  it('the hint says how to set DEBUGINFOD_URLS, or names the package when the dump has no build-id', () => {
    expect(noUrlsHint('6.1.0-56-cloud-amd64', true)).toMatch(/^Set DEBUGINFOD_URLS .*linux-image-6\.1\.0-56-cloud-amd64-dbg/);
    const old = noUrlsHint('4.19.0-27-amd64', false);
    expect(old).toContain('names no BUILD-ID');
    expect(old).toContain('linux-image-4.19.0-27-amd64-dbg');
    expect(old).not.toContain('DEBUGINFOD_URLS');
  });
});

describe('debuginfod client cache', () => {
  it('DEBUGINFOD_CACHE_PATH, else XDG_CACHE_HOME/debuginfod_client, else ~/.cache/debuginfod_client', () => {
    const home = path.join(dir, 'home');
    mkdirSync(home);
    expect(debuginfodCacheDir({ HOME: home, DEBUGINFOD_CACHE_PATH: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(debuginfodCacheDir({ HOME: home, XDG_CACHE_HOME: '/x' })).toBe('/x/debuginfod_client');
    expect(debuginfodCacheDir({ HOME: home })).toBe(path.join(home, '.cache/debuginfod_client'));
    mkdirSync(path.join(home, '.debuginfod_client_cache'));
    expect(debuginfodCacheDir({ HOME: home })).toBe(path.join(home, '.debuginfod_client_cache'));
    expect(cachedDebuginfoPath('/c/', 'ab12')).toBe('/c/ab12/debuginfo');
  });

  it('the sweep removes temps of a dead crashdeck, keeps a live one\'s and other tools\' (elfutils mkstemp names)', async () => {
    const idDir = path.join(dir, 'cache', 'ab12');
    mkdirSync(idDir, { recursive: true });
    const dead = spawnSync('true').pid as number; // exited: its pid is free
    writeFileSync(path.join(idDir, `${tempPrefix}${dead}-0a0b`), 'half');
    writeFileSync(path.join(idDir, `${tempPrefix}${process.pid}-0c0d`), 'ours, live');
    writeFileSync(path.join(idDir, 'debuginfo.Xy12Zq'), 'gdb is writing');
    await sweepStaleTemps(idDir);
    expect(readdirSync(idDir).sort()).toEqual(['debuginfo.Xy12Zq', `${tempPrefix}${process.pid}-0c0d`].sort());
    rmSync(path.join(idDir, `${tempPrefix}${process.pid}-0c0d`));
    rmSync(path.join(idDir, 'debuginfo.Xy12Zq'));
    await sweepStaleTemps(idDir);
    expect(existsSync(idDir)).toBe(false); // an empty build-id dir goes, as elfutils leaves none
  });
});
