/**
 * `crashdeck triage` when crash cannot start but drgn can read the dump (hung-mutex-6.12, crash
 * absent, trixie's drgn 0.0.31): the verdict is drgn's reading — the lock and its owner read from
 * the dump, as crash gives them — labelled basis "drgn", and stderr says crash has not confirmed it.
 */
import { describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { runCrashdeck as cli } from '../../support/cli.ts';
import { drgnPythonPrefix, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

describe('crashdeck triage with crash absent and drgn beside it', () => {
  it('hung-mutex-6.12: the wait chain from drgn, basis drgn, crash named as missing', async () => {
    const s = 'hung-mutex-6.12';
    const t = fixtureMeta(s).truth;
    const { code, stdout, stderr } = await cli(
      ['triage', vmcorePath(s), '--vmlinux', vmlinuxPath(s), '--crash', '/nonexistent/crash', '--json'],
      { CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.0.31'), CRASHDECK_CRASH: '' },
      { timeoutMs: 120_000 },
    );
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout) as TriageReport;
    expect(r.basis).toBe('drgn');
    const blocked = r.hung?.tasks.find((h) => h.pid === t.blocked_task?.pid);
    expect(blocked?.waitsOn).toEqual({ kind: 'mutex', symbol: t.lock });
    expect(blocked?.owner).toMatchObject({ pid: t.lock_holder?.pid, comm: t.lock_holder?.comm, function: t.lock_holder_function });
    expect(r.missing.some((m) => /crash not found \(\/nonexistent\/crash\)/.test(m))).toBe(true);
    expect(stderr).toContain("the verdict is drgn 0.0.31's reading of the dump (crash has not confirmed it)");
    // The plain report says who read the dump.
    const text = await cli(['triage', vmcorePath(s), '--vmlinux', vmlinuxPath(s), '--crash', '/nonexistent/crash'], { CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.0.31'), CRASHDECK_CRASH: '' }, { timeoutMs: 120_000 });
    expect(text.stdout).toContain('Read by:   drgn (crash could not start; crash has not confirmed this verdict)');
    expect(text.stdout).toContain(`${t.lock_holder?.comm}`);
  }, 250_000);
});
