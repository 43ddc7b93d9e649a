/**
 * Targets as users type them, and buckets over lines from several runs (a dump seen twice counts
 * once; hosts, kernels and crash-time range per signature; control characters never reach the
 * terminal).
 */
import { describe, expect, it } from 'vitest';
import { bucketLines, printable, renderBuckets } from '../../../electron/fleet/buckets.ts';
import { parseTarget } from '../../../electron/fleet/targets.ts';

describe('parseTarget', () => {
  it('reads local dirs, ssh:// URLs and scp-style host:dir (aliases too)', () => {
    expect(parseTarget('/var/crash/')).toEqual({ spec: '/var/crash/', dir: '/var/crash' });
    expect(parseTarget('crash', '/srv')).toEqual({ spec: 'crash', dir: '/srv/crash' });
    expect(parseTarget('ssh://root@web1:2222/srv/crash')).toEqual({ spec: 'ssh://root@web1:2222/srv/crash', host: 'ssh://root@web1:2222', dir: '/srv/crash' });
    expect(parseTarget('ssh://web1')).toMatchObject({ host: 'ssh://web1', dir: '/var/crash' });
    expect(parseTarget('db2:')).toMatchObject({ host: 'db2', dir: '/var/crash' });
    expect(parseTarget('ops@db2:/data/crash')).toMatchObject({ host: 'ops@db2', dir: '/data/crash' });
    expect(parseTarget('./a:b', '/w')).toEqual({ spec: './a:b', dir: '/w/a:b' });
    expect(() => parseTarget('db2:relative')).toThrow(/absolute/);
  });
});

const line = (host: string, p: string, sig: string, release: string, crashTime: string): unknown => ({
  schema: 'crashdeck.triage/1', basis: 'log', dump: { release, panicMessage: 'Kernel panic', crashTime, uptimeSeconds: 1 },
  panic: { kind: sig.split(':')[0], signature: sig, task: { pid: 1, comm: 'x' } }, source: { host, path: p, size: 1, mtime: crashTime },
  fleet: { fingerprint: 'f', buildId: null, crashTime, fromIndex: false, notes: [] },
});

describe('bucketLines', () => {
  it('merges runs: one count per dump, hosts, kernels, first/last crash, the newest as example', () => {
    const run1 = [line('a', '/c/1', 'oom:slab:x', '6.1', '2026-01-01T00:00:00Z'), line('b', '/c/1', 'oom:slab:x', '6.12', '2026-03-01T00:00:00Z'), line('a', '/c/2', 'sysrq:f', '6.1', '2026-02-01T00:00:00Z')];
    const run2 = [line('a', '/c/1', 'oom:slab:x', '6.1', '2026-01-01T00:00:00Z'), { schema: 'crashdeck.fleet-problem/1', scope: 'host', source: { host: 'c', path: '/var/crash' }, error: { code: 'refused', message: 'down' } }, 'garbage', null];
    const t = bucketLines([...run1, ...run2]);
    expect(t.dumps).toBe(3);
    expect(t.problems).toBe(1);
    expect(t.buckets.map((b) => [b.signature, b.count])).toEqual([['oom:slab:x', 2], ['sysrq:f', 1]]);
    const oom = t.buckets[0]!;
    expect(oom.hosts).toEqual(['a', 'b']);
    expect(oom.kernels).toEqual(['6.1', '6.12']);
    expect([oom.firstCrash, oom.lastCrash]).toEqual(['2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z']);
    expect(oom.example).toEqual({ host: 'b', path: '/c/1' });
  });

  it('prints hostile paths with control characters escaped', () => {
    const t = bucketLines([line('a', '/c/\u001b[2Jx\ny', 'sysrq:f', '6.1', '2026-01-01T00:00:00Z')]);
    const out = renderBuckets(t);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('/c/\\x1b[2Jx\\x0ay');
    expect(printable('ok')).toBe('ok');
  });
});
