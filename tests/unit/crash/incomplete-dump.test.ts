/**
 * The incomplete-dump check on what crash printed for the fixtures: startup complaints (the
 * fixtures' timings files keep crash's startup text verbatim), `sys`, and the kernel's count.
 * The real `p nr_threads` is read by tests/integration/api/incomplete-dump.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseIncompleteDump, parseNrThreads, startupTaskSignals, taskCounts } from '../../../electron/crash/incomplete-dump.ts';
import { allScenarios, fixtureFile, fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';

/** crash's startup text (with -s) as the fixture's timings file quotes it ("  | " lines). */
function startupText(s: Scenario, crash: '8.0.6' | '9.0.2'): string {
  const text = readFileSync(fixtureFile(s, crash === '8.0.6' ? 'timings.txt' : 'timings-crash-9.0.2.txt'), 'utf8');
  const start = text.indexOf('warnings / notes printed by crash at startup');
  const end = text.indexOf('startup banner without -s');
  return text.slice(start, end).split('\n').filter((l) => l.startsWith('  | ')).map((l) => l.slice(4)).join('\n');
}

const inc = (fixtureMeta('oops-syscall-6.12-mdf172').truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;

describe('incomplete dump: oops-syscall-6.12-mdf172 (makedumpfile 1.7.2 under 6.12)', () => {
  for (const crash of ['8.0.6', '9.0.2'] as const) {
    it(`crash ${crash}: startup complaints are counted and the finding names the cause and both counts`, () => {
      const text = startupText('oops-syscall-6.12-mdf172', crash);
      const sig = startupTaskSignals(text);
      expect(sig.pidStructsUnread).toBeGreaterThan(30);
      // crash 8.0.6 also trips over a task_struct page while gathering tasks; 9.0.2 skips it quietly.
      expect(sig.taskPagesExcluded).toBe(crash === '8.0.6' ? 1 : 0);
      if (crash === '8.0.6') expect(sig.firstExcluded).toMatch(/^ffff8880[0-9a-f]{8}$/);
      // The kernel's nr_threads excludes one idle task per CPU (2 vCPUs).
      const d = diagnoseIncompleteDump({
        startupText: text, sysRaw: transcript('oops-syscall-6.12-mdf172', 'sys', crash),
        nrThreadsRaw: `nr_threads = $1 = ${inc.tasks_in_kernel - 2}\n`, release: '6.12.118+deb13-cloud-amd64',
      });
      expect(d?.code).toBe('dump-incomplete');
      expect(d?.severity).toBe('error');
      expect(d?.message).toContain('This dump is incomplete');
      expect(d?.message).toContain('makedumpfile older than the kernel');
      expect(d?.message).toContain(`ps shows ${inc.crash_ps_tasks} of ${inc.tasks_in_kernel} tasks`);
      expect(d?.message).toContain('cannot read pid struct from xarray');
      // The complete 6.12 fixtures were written by trixie's makedumpfile 1.7.6 (fixtures README).
      expect(d?.message).toContain('1.7.6 or newer handles 6.12.118+deb13-cloud-amd64');
      expect(d?.hint).toContain('makedumpfile 1.7.6 or newer');
    });
  }

  it('the startup complaints alone are enough when the kernel count cannot be read', () => {
    const d = diagnoseIncompleteDump({ startupText: startupText('oops-syscall-6.12-mdf172', '8.0.6'), sysRaw: transcript('oops-syscall-6.12-mdf172', 'sys'), nrThreadsRaw: 'p: gdb request failed: p nr_threads\n', release: null });
    expect(d?.message).toContain(`crash's task table has ${inc.crash_ps_tasks} tasks (the kernel's own count could not be read)`);
  });
});

describe('complete dumps: no finding', () => {
  for (const s of allScenarios.filter((x) => x !== 'oops-syscall-6.12-mdf172')) {
    it(s, () => {
      const sysRaw = transcript(s, 'sys');
      const c = taskCounts(sysRaw, '');
      expect(startupTaskSignals(startupText(s, '8.0.6'))).toEqual({ pidStructsUnread: 0, taskPagesExcluded: 0, firstExcluded: null, activeTasksMissing: 0 });
      // A kernel count equal to crash's: nothing to say.
      expect(diagnoseIncompleteDump({ startupText: startupText(s, '8.0.6'), sysRaw, nrThreadsRaw: `nr_threads = $1 = ${(c.crashTasks ?? 0) - 2}`, release: null })).toBeNull();
    });
  }
});

describe('crash\'s PID-hash warning (a crash new enough for the kernel, pages missing)', () => {
  it('is counted and named, with the counts when the kernel\'s own count is known', () => {
    // crash 8.0.2's own startup on a 6.1 fixture: the warning text as crash prints it.
    const text = readFileSync(fixtureFile('panic-sysrq', 'timings-crash-8.0.2.txt'), 'utf8').split('\n').filter((l) => l.includes('not found in PID hash')).map((l) => l.replace(/^\s*\|\s?/, '')).join('\n');
    expect(startupTaskSignals(text).activeTasksMissing).toBeGreaterThan(0);
    const d = diagnoseIncompleteDump({ startupText: text, sysRaw: transcript('panic-sysrq', 'sys', '8.0.2'), nrThreadsRaw: '$1 = 66', release: null });
    expect(d?.message).toContain('not found in PID hash');
    expect(d?.message).toMatch(/ps shows \d+ of 68 tasks/);
  });
});

describe('hostile or unexpected input', () => {
  it('never throws and never invents a count', () => {
    expect(parseNrThreads('$1 = 73')).toBe(73);
    expect(parseNrThreads('nr_threads = $12 = 0\n')).toBe(0);
    for (const bad of ['', 'garbage', '$1 = -3', 'nr_threads = $1 = 1e9', '$1 = 99999999999']) expect(parseNrThreads(bad), bad).toBeNull();
    expect(diagnoseIncompleteDump({ startupText: '', sysRaw: '', nrThreadsRaw: '', release: null })).toBeNull();
    expect(diagnoseIncompleteDump({ startupText: undefined as unknown as string, sysRaw: 'x'.repeat(1e5), nrThreadsRaw: '\0', release: null })).toBeNull();
  });
});
