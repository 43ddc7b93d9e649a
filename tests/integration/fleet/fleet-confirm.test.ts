/**
 * `triage --all --confirm`: where crash and the dump's debug vmlinux are found, the line carries
 * crash's verdict (basis "crash") with the same signature as the log's — also for the hung task,
 * whose lock only crash names (it is `signatureDetail`, not part of the id) — and the dump's
 * completeness (the incomplete -mdf172 dump flagged with its counts); where the vmlinux is missing,
 * the log verdict stays, completeness unknown, and the line says why it was not confirmed.
 * `buckets` over a plain run and the --confirm run shows one bucket per bug. Real crash 8.0.6,
 * two starts (the two 6.12 dumps).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketTable, FleetDumpLine } from '../../../electron/api/fleet-lines.ts';
import { runCrashdeck, type CliResult } from '../../support/cli.ts';
import { crash806, fixtureMeta, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';
import { placeDump } from '../../support/fleet-hosts.ts';

let dir: string;
const placed = new Map<string, Scenario>();
let plain: CliResult;
let confirmed: CliResult;

const parse = (r: CliResult): FleetDumpLine[] => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FleetDumpLine);
const of = (lines: FleetDumpLine[], s: Scenario): FleetDumpLine => lines.find((l) => placed.get(l.source.path) === s)!;
const incomplete = (fixtureMeta('oops-syscall-6.12-mdf172').truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-confirm-'));
  for (const s of ['panic-sysrq', 'hung-mutex-6.12', 'oops-syscall-6.12-mdf172'] as const) placed.set(placeDump(path.join(dir, 'crash'), s), s);
  const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
  plain = await runCrashdeck(['triage', '--all', path.join(dir, 'crash'), '--jsonl', '--no-index'], env, { timeoutMs: 120_000 });
  // Only the 6.12 vmlinux is where --debuginfo-dir points.
  confirmed = await runCrashdeck(['triage', '--all', path.join(dir, 'crash'), '--jsonl', '--confirm', '--crash', crash806(), '--debuginfo-dir', path.dirname(vmlinuxPath('hung-mutex-6.12'))], env, { timeoutMs: 400_000 });
}, 560_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crashdeck triage --all --confirm', () => {
  it('confirms with crash where the vmlinux is found, keeping the signature; keeps the log verdict with the reason where it is not', () => {
    expect(plain.code, plain.stderr).toBe(0);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const before = parse(plain);
    const after = parse(confirmed);
    const hung = of(after, 'hung-mutex-6.12');
    const t = fixtureMeta('hung-mutex-6.12').truth;
    expect(hung.basis).toBe('crash');
    expect(hung.panic.signature).toBe(of(before, 'hung-mutex-6.12').panic.signature);
    expect(hung.panic.signatureDetail).toMatchObject({ lock: t.lock, owner: { pid: t.lock_holder?.pid, comm: t.lock_holder?.comm } });
    expect(hung.completeness.state).toBe('complete');
    const sysrq = of(after, 'panic-sysrq');
    expect(sysrq.basis).toBe('log');
    expect(sysrq.panic.kind).toBe('sysrq');
    expect(sysrq.fleet.notes.join(' ')).toMatch(/not confirmed with crash: .*6\.1\.0/);
    expect(sysrq.completeness).toMatchObject({ state: 'unknown' });
    expect(sysrq.completeness.reason).toMatch(/^needs crash to check/);
    // every plain line says completeness needs crash
    for (const l of before) expect(l.completeness.state, l.source.path).toBe('unknown');
  });

  it("the incomplete dump: crash's counts on the fleet line, listed before the buckets in the terminal form", () => {
    const mdf = of(parse(confirmed), 'oops-syscall-6.12-mdf172');
    expect(mdf.basis).toBe('crash');
    expect(mdf.completeness).toMatchObject({ state: 'incomplete', tasksRead: incomplete.crash_ps_tasks, tasksInKernel: incomplete.tasks_in_kernel });
    expect(mdf.missing.join(' ')).not.toContain('incomplete');
    // the table on stderr (--jsonl) lists it before the buckets
    const table = confirmed.stderr.slice(confirmed.stderr.indexOf('INCOMPLETE DUMPS'));
    expect(table).toMatch(new RegExp(`^INCOMPLETE DUMPS: 1 dump.*\\n  ! local:\\S+  ${incomplete.crash_ps_tasks} of ${incomplete.tasks_in_kernel} tasks`));
    expect(table.indexOf('INCOMPLETE DUMPS')).toBeLessThan(table.indexOf('SIGNATURE'));
  });

  it('buckets over the plain run and the --confirm run: one bucket per bug, each member flagged', async () => {
    const a = path.join(dir, 'plain.jsonl');
    const b = path.join(dir, 'confirmed.jsonl');
    writeFileSync(a, plain.stdout);
    writeFileSync(b, confirmed.stdout);
    for (const files of [[a, b], [b, a]]) {
      const r = await runCrashdeck(['buckets', ...files, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const t = JSON.parse(r.stdout) as BucketTable;
      expect(t.dumps).toBe(placed.size);
      expect(t.buckets.map((x) => x.count)).toEqual([1, 1, 1]);
      const flags = Object.fromEntries(t.buckets.flatMap((x) => x.members.map((m) => [placed.get(m.path), m.completeness])));
      expect(flags).toEqual({ 'panic-sysrq': 'unknown', 'hung-mutex-6.12': 'complete', 'oops-syscall-6.12-mdf172': 'incomplete' });
    }
    const text = await runCrashdeck(['buckets', a, b]);
    expect(text.stdout.split('\n')[0]).toMatch(/^INCOMPLETE DUMPS: 1 dump/);
  });
});
