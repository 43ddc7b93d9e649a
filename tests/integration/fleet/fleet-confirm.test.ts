/**
 * `triage --all --confirm`: where crash and the dump's debug vmlinux are found, the line carries
 * crash's verdict (basis "crash", the same signature as the log's); where the vmlinux is missing,
 * the log verdict stays and the line says why it was not confirmed. Real crash 8.0.6, one start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetDumpLine } from '../../../electron/api/fleet-lines.ts';
import { runCrashdeck, type CliResult } from '../../support/cli.ts';
import { crash806, fixtureMeta, vmlinuxPath } from '../../support/fixtures.ts';
import { placeDump } from '../../support/fleet-hosts.ts';

let dir: string;
let sysrq: string;
let oops612: string;
let r: CliResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-confirm-'));
  sysrq = placeDump(path.join(dir, 'crash'), 'panic-sysrq');
  oops612 = placeDump(path.join(dir, 'crash'), 'oops-syscall-6.12');
  // Only the 6.1 vmlinux is where --debuginfo-dir points.
  r = await runCrashdeck(['triage', '--all', path.join(dir, 'crash'), '--jsonl', '--confirm', '--crash', crash806(), '--debuginfo-dir', path.dirname(vmlinuxPath('panic-sysrq'))], { XDG_CACHE_HOME: path.join(dir, 'cache') }, { timeoutMs: 170_000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crashdeck triage --all --confirm', () => {
  it('confirms with crash where the vmlinux is found, and keeps the log verdict with the reason where it is not', () => {
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FleetDumpLine);
    const a = lines.find((l) => l.source.path === sysrq)!;
    expect(a.basis).toBe('crash');
    expect(a.panic.kind).toBe('sysrq');
    expect(a.dump.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
    const b = lines.find((l) => l.source.path === oops612)!;
    expect(b.basis).toBe('log');
    expect(b.panic.function).toBe(fixtureMeta('oops-syscall-6.12').truth.function);
    expect(b.fleet.notes.join(' ')).toMatch(/not confirmed with crash: .*6\.12\.118/);
  });
});
