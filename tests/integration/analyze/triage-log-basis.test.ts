/**
 * `crashdeck triage <vmcore>` with no debug vmlinux and no crash, as at 3 a.m. on a fresh box:
 * from a bare copy of each fixture's vmcore (nothing beside it) the real CLI prints the verdict of
 * the dump's own kernel log (`basis: "log"`, exit 0) — the same panic kind, task, function and
 * OOM culprit as meta.json truth — and says on stderr which package and which build-id give the
 * full analysis. A saved dmesg of another crash beside the copy is ignored with a note; the dump's
 * own saved dmesg is used.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { runCrashdeck as cli } from '../../support/cli.ts';
import { expectOomCulpritAsTruth } from '../../support/oom-truth.ts';
import { allScenarios, fixtureFile, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';
import { freshBundle } from '../../../electron/bin/cli-bundle.mjs';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-logbasis-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the scenario's vmcore alone in a fresh directory. */
function bareCopy(s: Scenario, name = 'vmcore'): string {
  const d = path.join(dir, `${s}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(d);
  const p = path.join(d, name);
  copyFileSync(vmcorePath(s), p);
  return p;
}

/** No crash anywhere: a --crash path that does not exist, and a PATH without crash. */
const noCrash = ['--crash', '/nonexistent/crash'];
const noCrashEnv = { PATH: '/usr/bin:/bin', CRASHDECK_CRASH: '' };

function expectTruth(r: TriageReport, s: Scenario): void {
  const t = fixtureMeta(s).truth;
  expect(r.basis).toBe('log');
  expect(r.panic.kind).toBe(t.panic_type.startsWith('sysrq') ? 'sysrq' : t.panic_type);
  // The 6.12 kinds name the task at fault (the blocked task of a hung-task panic, not khungtaskd).
  const task = t.culprit_task ?? t.panic_task;
  expect(r.panic.task).toEqual({ pid: task.pid, comm: task.comm });
  expect(r.dump.release).toBe(fixtureMeta(s).kernel.release);
  const truthFunction = t.function ?? (t.culprit as { function?: string } | undefined)?.function;
  if (t.panic_type !== 'oom') {
    expect(r.oom).toBeNull();
    expect(r.panic.function).toBe(truthFunction);
    if (t.module) expect(r.panic.functionModule).toBe(t.module);
    return;
  }
  const oom = t.oom as { constraint: string; invoker_pid: number };
  expect(r.oom?.constraint).toBe(oom.constraint);
  expect(r.oom?.trigger.pid).toBe(oom.invoker_pid);
  expectOomCulpritAsTruth(r, t);
}

/** The vmlinux's GNU build-id as binutils reads it. */
function buildId(s: Scenario): string {
  return /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-nW', vmlinuxPath(s)], { encoding: 'utf8' }))?.[1] ?? 'none';
}

describe('crashdeck triage <bare vmcore> without vmlinux or crash', () => {
  for (const s of allScenarios) {
    it(`${s}: the kernel log's verdict matches truth, basis "log", exit 0, and names what to install`, async () => {
      const { code, stdout, stderr } = await cli(['triage', bareCopy(s), ...noCrash, '--json'], noCrashEnv);
      expect(code, stderr).toBe(0);
      const r = JSON.parse(stdout) as TriageReport;
      expectTruth(r, s);
      const release = fixtureMeta(s).kernel.release;
      expect(stderr).toContain("verdict from the dump's own kernel log, read from the dump (makedumpfile --dump-dmesg)");
      expect(stderr).toContain(`Debian: linux-image-${release}-dbg`);
      expect(stderr).toContain(`debuginfod-find debuginfo ${buildId(s)}`);
      expect(stderr).toMatch(/crash not found \(\/nonexistent\/crash\).*\ncrashdeck triage: for the full analysis: Install it/);
      expect(r.missing.some((m) => m.startsWith('debug symbols missing: no debug vmlinux for'))).toBe(true);
    });
  }

  it('the bundled CLI (what set-up builds and users run) answers exactly as the TypeScript sources do', async () => {
    // Build it when the tree is newer (the test run builds it first; a developer's edit makes it stale).
    if (!freshBundle(repoRoot)) execFileSync(process.execPath, [path.join(repoRoot, 'electron/bin/build-cli.mjs')]);
    expect(freshBundle(repoRoot), 'dist/cli is not up to date after build-cli.mjs').not.toBeNull();
    const vmcore = bareCopy('oom-slab-leak');
    const bundled = await cli(['triage', vmcore, ...noCrash, '--json'], noCrashEnv);
    const sources = await cli(['triage', vmcore, ...noCrash, '--json'], { ...noCrashEnv, CRASHDECK_CLI_FROM_SOURCE: '1' });
    expect(bundled.code, bundled.stderr).toBe(0);
    expectTruth(JSON.parse(bundled.stdout) as TriageReport, 'oom-slab-leak');
    expect(bundled).toEqual(sources);
  });

  it('text output: the verdict on stdout, the install hints on stderr', async () => {
    const { code, stdout, stderr } = await cli(['triage', bareCopy('oom-user-hog'), ...noCrash], noCrashEnv);
    expect(code).toBe(0);
    // Completeness first (the log cannot count tasks: it says so), then the verdict.
    expect(stdout).toMatch(/^Completeness unknown: needs crash to check[^\n]*\n\nPanic: {5}oom — /);
    expect(stdout).toMatch(/OOM verdict: user-anon — ingestd \(pid 179\)/);
    expect(stderr).toContain('for the full analysis: Install the debug vmlinux of 6.1.0-56-cloud-amd64');
  });

  it('a vmlinux that exists but crash missing: still the log verdict, and only crash is asked for', async () => {
    const { code, stdout, stderr } = await cli(['triage', bareCopy('panic-sysrq'), ...noCrash, '--vmlinux', vmlinuxPath('panic-sysrq'), '--json'], noCrashEnv);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as TriageReport).basis).toBe('log');
    expect(stderr).toContain('crash not found');
    expect(stderr).not.toContain('debug symbols missing');
  });
});

describe('a saved dmesg beside the bare copy', () => {
  it('from another crash of the same kernel: ignored with a note, the verdict is this dump\'s', async () => {
    const vmcore = bareCopy('oom-slab-leak');
    copyFileSync(fixtureFile('oom-user-hog', 'vmcore-dmesg.txt'), path.join(path.dirname(vmcore), 'vmcore-dmesg.txt'));
    const { code, stdout, stderr } = await cli(['triage', vmcore, ...noCrash, '--json'], noCrashEnv);
    expect(code).toBe(0);
    expectTruth(JSON.parse(stdout) as TriageReport, 'oom-slab-leak');
    expect(stderr).toMatch(/vmcore-dmesg\.txt beside the dump belongs to another crash: its last line is from about .*, this dump crashed at .*; ignored\./);
  });

  it('from this crash (kdump-tools layout): used, and said so', async () => {
    const vmcore = bareCopy('oops-syscall-6.12', 'dump.202612041315');
    const saved = path.join(path.dirname(vmcore), 'dmesg.202612041315');
    copyFileSync(fixtureFile('oops-syscall-6.12', 'vmcore-dmesg.txt'), saved);
    const { code, stdout, stderr } = await cli(['triage', vmcore, ...noCrash, '--json'], noCrashEnv);
    expect(code).toBe(0);
    expectTruth(JSON.parse(stdout) as TriageReport, 'oops-syscall-6.12');
    expect(stderr).toContain(`read from the saved dmesg ${saved}`);
  });
});
