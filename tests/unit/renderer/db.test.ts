/**
 * The IndexedDB cache (Dexie over fake-indexeddb): an old-schema database upgrades without
 * losing results, eviction is least-recently-used and spares the dump on screen, deleting a
 * dump takes all its rows, and a failed transaction leaves nothing half-written.
 */
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { Dexie } from 'dexie';
import { applySchema, CrashdeckDb, deleteDump, evictLru, getResult, putResult, schemaVersion, touchDump, usageByDump } from '../../../renderer/lib/db.ts';

function deps(): { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange } {
  return { indexedDB: new IDBFactory(), IDBKeyRange };
}

const sysRaw = '     RELEASE: 6.1.0-56-cloud-amd64\n       PANIC: "Kernel panic - not syncing: sysrq triggered crash"\n';

function result(fingerprint: string, command: string, raw: string, at = 1000) {
  return { fingerprint, command, raw, parsed: null, crashVersion: '8.0.6', at, durationMs: 12, warnings: [], error: null };
}

describe('schema upgrade', () => {
  it('opens a version-1 database written by an older build and keeps its results', async () => {
    const d = deps();
    const old = new Dexie('crashdeck-upgrade', d);
    applySchema(old, 1);
    await old.open();
    expect(old.verno).toBe(1);
    await old.table('dumps').put({ fingerprint: 'fp1', vmcore: '/var/crash/a/dump', vmlinux: null, release: '6.1.0-56-cloud-amd64', crashVersion: '8.0.6', firstOpened: 5, lastOpened: 6 });
    await old.table('results').put({
      fingerprint: 'fp1',
      command: 'sys',
      raw: sysRaw,
      parsed: { parser: 'sys', parserVersion: 1, model: { release: '6.1.0-56-cloud-amd64' }, diagnostics: [] },
      crashVersion: '8.0.6',
      at: 777,
      durationMs: 40,
    });
    old.close();

    const db = new CrashdeckDb('crashdeck-upgrade', d);
    await db.open();
    expect(db.verno).toBe(schemaVersion);
    const r = await db.results.get(['fp1', 'sys']);
    expect(r?.raw).toBe(sysRaw);
    // Columns the new schema adds are filled from what v1 stored.
    expect(r?.lastUsed).toBe(777);
    expect(r?.parserVersion).toBe(1);
    expect(r?.bytes).toBeGreaterThanOrEqual(2 * sysRaw.length);
    expect(r?.warnings).toEqual([]);
    const dump = await db.dumps.get('fp1');
    expect(dump?.visitedViews).toEqual([]);
    expect(dump?.host).toBe('local');
    // Tables that did not exist in v1 work.
    await db.annotations.add({ fingerprint: 'fp1', view: 'processes', rowKey: '251', text: 'the shell that ran sysrq', createdAt: 1, updatedAt: 1 });
    expect(await db.annotations.where({ fingerprint: 'fp1', view: 'processes' }).count()).toBe(1);
    db.close();
  });

  it('opens a version-3 database whose traces kept only summaries: they stay, marked as not stored whole, and trace chunks can be added', async () => {
    const d = deps();
    const old = new Dexie('crashdeck-upgrade-3', d);
    applySchema(old, 3);
    await old.open();
    expect(old.verno).toBe(3);
    const summary = { file: '/srv/trace-report.txt', format: 'trace-cmd-report', events: 7789, chunks: 1 };
    const id = (await old.table('traces').add({ fingerprint: 'fp1', name: summary.file, format: summary.format, importedAt: 4242, bytes: 1_600_000, data: { traceId: 'ui-1', summary } })) as number;
    old.close();

    const db = new CrashdeckDb('crashdeck-upgrade-3', d);
    await db.open();
    expect(db.verno).toBe(schemaVersion);
    const t = await db.traces.get(id);
    expect(t?.data).toEqual({ traceId: 'ui-1', summary });
    // Its events were never in this browser: the view must not read it as a stored trace.
    expect(t?.complete).toBe(false);
    expect(t?.lastUsed).toBe(4242);
    const chunk = { index: 0, count: 1, ts: new Float64Array([9.5]), cpu: new Uint16Array([0]), pid: new Int32Array([186]), comm: new Uint16Array([0]), event: new Uint16Array([0]), stack: new Int32Array([-1]), argsEnd: new Uint32Array([0]), comms: ['sleep'], events: ['kmalloc'], stacks: [], args: '' };
    await db.traceChunks.put({ trace: id, index: 0, fingerprint: 'fp1', bytes: 32, chunk });
    expect((await db.traceChunks.get([id, 0]))?.chunk.pid).toEqual(new Int32Array([186]));
    expect((await usageByDump(db)).map((u) => [u.fingerprint, u.traces, u.traceBytes])).toEqual([['fp1', 1, 32]]);
    db.close();
  });
});

describe('results', () => {
  it('usage and eviction work from the size index (fingerprint, command, bytes)', async () => {
    const db = new CrashdeckDb('crashdeck-index', deps());
    await putResult(db, result('a', 'ps', 'x'.repeat(100)), Infinity, 1);
    await putResult(db, result('b', 'ps', 'x'.repeat(100)), Infinity, 2);
    const keys = await db.results.orderBy('[fingerprint+command+bytes]').keys();
    expect(keys).toEqual([
      ['a', 'ps', 200],
      ['b', 'ps', 200],
    ]);
    expect((await usageByDump(db)).map((u) => u.bytes)).toEqual([200, 200]);
    expect(await evictLru(db, 250)).toBe(1);
    expect(await db.results.get(['a', 'ps'])).toBeUndefined();
  });

  it('evicts the least recently used results first and spares the dump on screen', async () => {
    const db = new CrashdeckDb('crashdeck-lru', deps());
    const raw = 'x'.repeat(1000); // ~2000 bytes each
    await putResult(db, result('old', 'ps', raw), Infinity, 100);
    await putResult(db, result('old', 'log', raw), Infinity, 200);
    await putResult(db, result('cur', 'sys', raw), Infinity, 50);
    await getResult(db, 'old', 'ps', 300); // reading refreshes its LRU time
    const deleted = await evictLru(db, 4500, 'cur');
    expect(deleted).toBe(1);
    expect(await db.results.get(['old', 'log'])).toBeUndefined();
    expect(await db.results.get(['old', 'ps'])).toBeDefined();
    expect(await db.results.get(['cur', 'sys'])).toBeDefined();
  });

  it('reports usage per dump and deletes one dump with all its rows', async () => {
    const db = new CrashdeckDb('crashdeck-usage', deps());
    await touchDump(db, { fingerprint: 'a', vmcore: '/a', vmlinux: null, host: 'local', release: null, crashVersion: null });
    await touchDump(db, { fingerprint: 'b', vmcore: '/b', vmlinux: null, host: 'local', release: null, crashVersion: null });
    await putResult(db, result('a', 'sys', 'x'.repeat(10)), Infinity);
    await putResult(db, result('a', 'ps', 'x'.repeat(30)), Infinity);
    await putResult(db, result('b', 'sys', 'x'.repeat(5)), Infinity);
    await db.annotations.add({ fingerprint: 'a', view: 'log', rowKey: '1', text: 'n', createdAt: 1, updatedAt: 1 });
    const usage = await usageByDump(db);
    expect(usage.map((u) => [u.fingerprint, u.results, u.bytes])).toEqual([
      ['a', 2, 80],
      ['b', 1, 10],
    ]);
    await deleteDump(db, 'a');
    expect(await db.results.where('fingerprint').equals('a').count()).toBe(0);
    expect(await db.annotations.count()).toBe(0);
    expect(await db.dumps.get('a')).toBeUndefined();
    expect(await db.results.where('fingerprint').equals('b').count()).toBe(1);
  });

  it('a transaction that fails midway leaves the cache as it was', async () => {
    const db = new CrashdeckDb('crashdeck-atomic', deps());
    await putResult(db, result('a', 'sys', 'before'), Infinity);
    await expect(
      db.transaction('rw', db.results, db.dumps, async () => {
        await db.results.put({ ...(await db.results.get(['a', 'sys']))!, raw: 'half-written' });
        throw new Error('app closed mid-write');
      }),
    ).rejects.toThrow('app closed mid-write');
    expect((await db.results.get(['a', 'sys']))?.raw).toBe('before');
  });

  it('touchDump keeps the first-opened time and the visited views across reopens', async () => {
    const db = new CrashdeckDb('crashdeck-touch', deps());
    const base = { fingerprint: 'f', vmcore: '/f', vmlinux: '/vmlinux', host: 'local', release: '6.1', crashVersion: '8.0.6' };
    await touchDump(db, base, 10);
    await db.dumps.update('f', { visitedViews: ['overview', 'log'] });
    const again = await touchDump(db, { ...base, release: null }, 20);
    expect(again.firstOpened).toBe(10);
    expect(again.lastOpened).toBe(20);
    expect(again.visitedViews).toEqual(['overview', 'log']);
    expect(again.release).toBe('6.1');
  });
});
