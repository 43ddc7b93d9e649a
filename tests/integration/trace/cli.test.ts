/**
 * `crashdeck trace import` end to end, as a user runs it: the real bin script, real trace-cmd,
 * and with --dump a real crash session on the fixture dump.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCrashdeck, type CliResult } from '../../support/cli.ts';
import { crash806, fixtureFile, fixtureMeta, vmlinuxPath } from '../../support/fixtures.ts';

const crashdeck = (...args: string[]): Promise<CliResult> => runCrashdeck(args, { NO_COLOR: '1' }, { timeoutMs: 170_000 });
const dmesgPanic = (scenario: 'oom-slab-leak' | 'oom-user-hog'): number => {
  const l = readFileSync(fixtureFile(scenario, 'vmcore-dmesg.txt'), 'utf8').split('\n').find((x) => x.includes('Kernel panic - not syncing'))!;
  return Number(/\[\s*([\d.]+)\]/.exec(l)![1]);
};

describe('crashdeck trace import', () => {
  it('prints event count, skipped lines, time span and the top call sites of a trace.dat', async () => {
    const report = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8');
    const events = report.split('\n').filter((l) => /-\d+\s+\[\d{3}\]\s+\d+\.\d+:/.test(l));
    const first = /\s(\d+\.\d+):/.exec(events[0]!)![1]!;
    const last = /\s(\d+\.\d+):/.exec(events.at(-1)!)![1]!;
    const r = await crashdeck('trace', 'import', fixtureFile('oom-slab-leak', 'trace.dat'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`events: ${events.length.toLocaleString('en-US')}   skipped lines: 0`);
    expect(r.stdout).toContain(`time span: ${first} s .. ${last} s after boot`);
    const firstSite = r.stdout.split('\n').find((l) => /^\s+[\d,]+\s+.*kmem_cache_alloc\s/.test(l))!;
    expect(firstSite).toContain(`[${fixtureMeta('oom-slab-leak').truth.culprit.module}]`);
  });

  it('prints machine-readable JSON with --json', async () => {
    const facts = fixtureMeta('oom-user-hog').truth.guest_facts!;
    const r = await crashdeck('trace', 'import', fixtureFile('oom-user-hog', 'perf-script.txt'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; summary: { events: number; skippedLines: number; tasks: { pid: number; comm: string }[] }; links: unknown };
    expect(doc.schema).toBe('crashdeck.trace/1');
    expect(doc.summary.skippedLines).toBe(0);
    expect(doc.summary.tasks[0]).toMatchObject({ pid: Number(facts.pid_ingestd), comm: facts.culprit_comm });
    expect(doc.links).toBeNull();
  });

  it('fails with exit 3 and a clear message on a file that is not a trace, and 2 on usage errors', async () => {
    const r = await crashdeck('trace', 'import', fixtureFile('oom-slab-leak', 'meta.json'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/meta\.json is not a trace: .*\[not-a-trace\]/s);
    expect((await crashdeck('trace', 'import')).code).toBe(2);
    expect((await crashdeck('trace', 'import', 'a', '--top', 'x')).code).toBe(2);
    expect((await crashdeck('trace', 'frobnicate')).code).toBe(2);
  });

  it('links the slab-leak trace to its dump with --dump: panic after the trace, call site -> cache, tasks', async () => {
    const truth = fixtureMeta('oom-slab-leak').truth;
    const r = await crashdeck('trace', 'import', fixtureFile('oom-slab-leak', 'trace-report.txt'), '--dump', fixtureFile('oom-slab-leak', 'vmcore'),
      '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      summary: { lastTs: number };
      links: { timeline: { panicTs: number; placement: string; gapSeconds: number }; caches: { fn: string; cache: string | null }[]; tasks: { byDumpPid: Record<string, unknown> } };
      evidence: { id: string; text: string }[];
      dump: { problems: string[] };
    };
    expect(doc.dump.problems).toEqual([]);
    expect(doc.links.timeline.panicTs).toBe(dmesgPanic('oom-slab-leak'));
    expect(doc.links.timeline.placement).toBe('after-trace');
    expect(doc.links.timeline.gapSeconds).toBeCloseTo(dmesgPanic('oom-slab-leak') - doc.summary.lastTs, 6);
    expect(doc.links.caches[0]).toMatchObject({ cache: truth.culprit.cache });
    expect(doc.links.caches[0]!.fn.startsWith(String(truth.culprit.module))).toBe(true);
    expect(doc.links.tasks.byDumpPid[String(truth.panic_task.pid)]).toBeDefined();
    expect(doc.evidence[0]).toMatchObject({ id: 'slab-call-site' });
    expect(doc.evidence[0]!.text).toContain(String(truth.culprit.cache));
  });
});
