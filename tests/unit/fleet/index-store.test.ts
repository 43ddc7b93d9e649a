/**
 * The fleet index survives being killed: a torn last journal line is ignored, compaction leaves
 * a loadable index at every step, and a stale compaction lock does not block forever. A second
 * process really is killed mid-append (SIGKILL) to show nothing half-written is ever loaded.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetIndex, crashdeckCacheDir, type IndexedDump } from '../../../electron/fleet/index-store.ts';
import { repoRoot } from '../../support/fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-index-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rec = (fp: string): IndexedDump => ({ fp, engine: 'e1', at: 1, release: '6.1.0', buildId: null, crashTimeMs: 1000, report: null, reason: 'no log' });

describe('FleetIndex', () => {
  it('keeps what was put across a reopen, per engine, and finds an unchanged location', async () => {
    const a = await FleetIndex.open(dir);
    await a.putDump(rec('fp1'));
    await a.putLocation({ host: 'h', path: '/var/crash/x', size: 10, mtimeMs: 5000, fp: 'fp1' });
    await a.close();
    const b = await FleetIndex.open(dir);
    expect(b.dump('fp1', 'e1')?.reason).toBe('no log');
    expect(b.dump('fp1', 'e2')).toBeUndefined();
    expect(b.fingerprintAt('h', '/var/crash/x', 10, 5000)).toBe('fp1');
    // The file changed (size or time): not the same dump any more.
    expect(b.fingerprintAt('h', '/var/crash/x', 11, 5000)).toBeUndefined();
    await b.close();
  });

  it('ignores a torn last journal line (killed mid-write) and says so', async () => {
    const a = await FleetIndex.open(dir);
    await a.putDump(rec('fp1'));
    await a.close();
    appendFileSync(path.join(dir, 'journal.jsonl'), '{"t":"dump","fp":"fp2","eng');
    const b = await FleetIndex.open(dir);
    expect(b.dump('fp1', 'e1')).toBeDefined();
    expect(b.dump('fp2', 'e1')).toBeUndefined();
    expect(b.notes.join(' ')).toMatch(/incomplete journal line/);
    // New records after the torn one still load.
    await b.putDump(rec('fp3'));
    await b.close();
    const c = await FleetIndex.open(dir);
    expect(c.dump('fp3', 'e1')).toBeDefined();
    await c.close();
  });

  it('compacts into index.json atomically and empties the journal; a stale lock is taken over', async () => {
    const a = await FleetIndex.open(dir);
    for (let i = 0; i < 5; i++) await a.putDump(rec(`fp${i}`));
    writeFileSync(path.join(dir, 'compact.lock'), '');
    // A fresh lock (another run compacting) is respected...
    expect(await a.compact()).toBe(false);
    // ...one left by a run killed long ago is not.
    const old = (Date.now() - 3600_000) / 1000;
    utimesSync(path.join(dir, 'compact.lock'), old, old);
    expect(await a.compact()).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')).dumps).toHaveLength(5);
    expect(existsSync(path.join(dir, 'compact.lock'))).toBe(false);
    await a.close();
    const b = await FleetIndex.open(dir);
    expect(b.size).toBe(5);
    await b.close();
  });

  it('a writer SIGKILLed while appending leaves an index that loads with every fsynced record', async () => {
    // A child appends records as fast as it can and reports each fsynced one; we kill it mid-stream.
    const script = `
      import { FleetIndex } from ${JSON.stringify(path.join(repoRoot, 'electron/fleet/index-store.ts'))};
      const idx = await FleetIndex.open(process.argv[1]);
      for (let i = 0; ; i++) {
        await idx.putDump({ fp: 'k' + i, engine: 'e1', at: i, release: null, buildId: null, crashTimeMs: null, report: null, reason: 'x'.repeat(2000) });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const n = d.toString().trim().split('\n').map(Number).at(-1) ?? -1;
        acked = Math.max(acked, n);
        if (acked >= 50) child.kill('SIGKILL');
      });
      child.on('close', () => resolve());
    });
    const idx = await FleetIndex.open(dir);
    for (let i = 0; i <= acked; i++) expect(idx.dump(`k${i}`, 'e1'), `record ${i}`).toBeDefined();
    await idx.close();
  });

  it('lives in $XDG_CACHE_HOME/crashdeck, else ~/.cache/crashdeck', () => {
    expect(crashdeckCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/crashdeck');
    expect(crashdeckCacheDir({ XDG_CACHE_HOME: 'relative' })).toBe(path.join(os.homedir(), '.cache', 'crashdeck'));
  });
});
