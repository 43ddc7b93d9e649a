/**
 * `crashdeck triage --json` on the Linux 6.12 fixtures with real crash 8.0.6 and 9.0.2 and the
 * 6.12 debug vmlinux: the kind, the culprit task, function and module, and for the hung task the
 * lock and its owner read from the dump, all compared with meta.json truth; the signature is the
 * one the dump's own log gives, and the dump is found complete. One crash start per
 * fixture per crash version (each test is one CLI run).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { triage } from '../../../electron/analyze/triage.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { runCrashdeck as cli } from '../../support/cli.ts';
import { crash806, crash902, fixtureFile, fixtureMeta, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';

const fromLog = (s: Scenario): TriageReport => triage({ log: parseLog(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8')).model, logOnly: true });
const kinds = ['oops-syscall-6.12', 'hung-mutex-6.12', 'softlockup-spin-6.12'] as const satisfies readonly Scenario[];

for (const [version, crash] of [['8.0.6', crash806], ['9.0.2', crash902]] as const) {
  describe(`crashdeck triage --json on 6.12 (real crash ${version})`, () => {
    for (const s of kinds) {
      it(`${s}: kind, culprit and (hung task) the lock and its owner match meta.json truth`, async () => {
        const t = fixtureMeta(s).truth;
        // Killed before the test times out, so a slow run on a loaded machine never leaves crash behind.
        const { code, stdout, stderr } = await cli(['triage', vmcorePath(s), '--vmlinux', vmlinuxPath(s), '--crash', crash(), '--json'], {}, { timeoutMs: 570_000 });
        expect(stderr).toBe('');
        expect(code).toBe(0);
        const r = JSON.parse(stdout) as TriageReport;
        expect(r.basis).toBe('crash');
        expect(r.panic.kind).toBe(t.panic_type);
        expect(r.panic.task).toEqual({ pid: t.culprit_task?.pid, comm: t.culprit_task?.comm });
        expect(r.panic.function).toBe(t.function);
        expect(r.panic.functionModule).toBe(t.module);
        expect(r.missing).toEqual([]);
        // one bucket id whatever the basis: crash's (after every follow-up) is the dump's own log's
        expect(r.panic.signature).toBe(fromLog(s).panic.signature);
        expect(r.completeness).toMatchObject({ state: 'complete', tasksRead: r.completeness.tasksInKernel });
        if (s === 'oops-syscall-6.12') {
          expect(r.panic.signature).toBe(`oops:${t.module}!${t.function}`);
          expect(r.oops).toMatchObject({ function: t.function, module: t.module, context: 'syscall', faultAddress: '0x4' });
          // the fixture ships the unstripped module beside the dump: crash loads it and names the source line
          expect(r.oops?.debugInfo).toBeNull();
          expect(r.oops?.source).toMatch(new RegExp(`${t.module}\\.c: \\d+$`));
          expect(r.oops?.disassembly?.at(-1)).toContain(`<${r.oops?.rip?.split('+')[0]}+`);
        }
        if (s === 'hung-mutex-6.12') {
          // the lock and its owner crash read are detail beside the id, never part of it
          expect(r.panic.signatureDetail).toEqual({ lock: t.lock, owner: { pid: t.lock_holder?.pid, comm: t.lock_holder?.comm }, ownerFunction: t.lock_holder_function });
          const h = r.hung?.tasks.find((x) => x.pid === t.blocked_task?.pid);
          expect(h).toMatchObject({ comm: t.blocked_task?.comm, function: t.function, waitsOn: { kind: 'mutex', symbol: t.lock } });
          expect(h?.owner).toMatchObject({ pid: t.lock_holder?.pid, comm: t.lock_holder?.comm, function: t.lock_holder_function });
        }
        if (s === 'softlockup-spin-6.12') {
          expect(r.panic.signature).toBe(`soft-lockup:${t.module}!${t.function}`);
          expect(r.lockup).toMatchObject({ kind: 'soft-lockup', cpu: t.panic_task.cpu, pid: t.culprit_task?.pid, function: t.function, module: t.module });
          // the other vCPU was idle: bt -a shows it
          expect(r.lockup?.otherCpus?.map((c) => c.cpu)).toEqual([1 - t.panic_task.cpu]);
        }
      }, 600_000);
    }
  });
}
