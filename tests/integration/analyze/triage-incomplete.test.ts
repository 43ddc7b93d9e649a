/**
 * `crashdeck triage --json` on the incomplete dump (oops-syscall-6.12-mdf172, written by a
 * makedumpfile older than its 6.12 kernel) with real crash 8.0.6: the report's structured
 * `completeness` says incomplete with both counts — crash's task table against the dump's own
 * nr_threads + one idle task per CPU (meta.json truth: 38 of 75) — and the finding is no longer
 * free text at the end of `missing`. One crash start.
 */
import { describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { runCrashdeck } from '../../support/cli.ts';
import { crash806, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const s = 'oops-syscall-6.12-mdf172' as const;

describe(`crashdeck triage --json on ${s} (real crash 8.0.6)`, () => {
  it('completeness is data: incomplete, tasks read and tasks in the kernel, the reason and the fix', async () => {
    const truth = (fixtureMeta(s).truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;
    const { code, stdout, stderr } = await runCrashdeck(['triage', vmcorePath(s), '--vmlinux', vmlinuxPath(s), '--crash', crash806(), '--json'], {}, { timeoutMs: 570_000 });
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout) as TriageReport;
    expect(r.basis).toBe('crash');
    expect(r.completeness).toMatchObject({ state: 'incomplete', tasksRead: truth.crash_ps_tasks, tasksInKernel: truth.tasks_in_kernel });
    expect(r.completeness.reason).toContain(`crash reads ${truth.crash_ps_tasks} of the ${truth.tasks_in_kernel} tasks`);
    expect(r.completeness.fix).toMatch(/makedumpfile 1\.7\.6 or newer/);
    // in the JSON it comes right after the basis, before the verdict
    expect(Object.keys(r).slice(0, 3)).toEqual(['schema', 'basis', 'completeness']);
    expect(r.missing.join(' ')).not.toContain('This dump is incomplete');
    // the verdict itself stands (the log is complete): the same Oops as the complete 6.12 dump
    expect(r.panic.signature).toBe(`oops:${fixtureMeta(s).truth.module}!${fixtureMeta(s).truth.function}`);
  }, 600_000);
});
