/**
 * `crashdeck doctor` reports drgn: found (which python3, which drgn), what it reads of the dump's
 * kernel (the measured table), and that it really loads the named dump — with the real CLI, sid's
 * drgn 0.3.0 and bookworm's 0.0.22 on the 7.2 fixture, and a python3 that cannot import drgn.
 * HOME is a temp dir: no settings.json of the real user is read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorCheck, DoctorReport } from '../../../electron/doctor/types.ts';
import { runCrashdeck } from '../../support/cli.ts';
import { drgnPythonBookworm, drgnPythonPrefix, scenario72, vmcorePath, vmlinux72 } from '../../support/fixtures.ts';

let home: string;
beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-doctor-drgn-'));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

async function doctorDrgn(python: string): Promise<DoctorCheck[]> {
  const r = await runCrashdeck(['doctor', '--json', '--dump', vmcorePath(scenario72), '--vmlinux', vmlinux72()], {
    HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), CRASHDECK_DRGN_PYTHON: python, DEBUGINFOD_URLS: '',
  }, { timeoutMs: 170_000 });
  const report = JSON.parse(r.stdout) as DoctorReport;
  return report.checks.filter((c) => c.id.startsWith('drgn'));
}

describe('crashdeck doctor and drgn, on hung-mutex-7.2', () => {
  it('with sid\'s drgn 0.3.0: found, reads 7.2 whole, loads the dump', async () => {
    const checks = await doctorDrgn(drgnPythonPrefix('0.3.0'));
    expect(checks.map((c) => [c.id, c.status])).toEqual([['drgn', 'ok'], ['drgn-kernel', 'ok'], ['drgn-dump', 'ok']]);
    expect(checks[0]?.detail).toMatch(/drgn 0\.3\.0/);
    expect(checks[2]?.detail).toMatch(/kernel 7\.2\.13\+deb14-cloud-amd64, \d+ tasks, loaded in .*module symbols from memory/);
  });

  it('with bookworm\'s drgn 0.0.22: says what it cannot read of 7.2 and how to get a newer one', async () => {
    const checks = await doctorDrgn(drgnPythonBookworm());
    const kernel = checks.find((c) => c.id === 'drgn-kernel');
    expect(kernel?.status).toBe('warn');
    expect(kernel?.detail).toMatch(/no slab counts/);
    expect(kernel?.fix).toMatch(/install-drgn\.sh/);
    expect(checks.find((c) => c.id === 'drgn-dump')?.status).toBe('ok');
  });

  it('with a python3 that cannot import drgn: a warning naming the python3 and the install command', async () => {
    const python = path.join(home, 'python3');
    writeFileSync(python, `#!/bin/sh\nexec ${drgnPythonBookworm()} -S "$@"\n`, { mode: 0o755 });
    const checks = await doctorDrgn(python);
    expect(checks.map((c) => [c.id, c.status])).toEqual([['drgn', 'warn']]);
    expect(checks[0]?.detail).toMatch(/cannot import drgn/);
    expect(checks[0]?.fix).toMatch(/install-drgn\.sh/);
  });
});
