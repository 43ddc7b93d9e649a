/**
 * `crashdeck triage` end to end: the real CLI opens each fixture's vmcore with crash 8.0.6 and
 * the debug vmlinux, gathers every triage command through a session, and prints the
 * crashdeck.triage/1 JSON; the verdict must match meta.json truth. `--dmesg` runs on each
 * fixture's vmcore-dmesg.txt without a dump.
 */
import { describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { runCrashdeck as cli } from '../../support/cli.ts';
import { expectOomCulpritAsTruth } from '../../support/oom-truth.ts';
import { crash806, fixtureFile, fixtureMeta, scenarios, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';

interface Truth {
  panic_type: string;
  panic_message: string;
  panic_task: { pid: number; comm: string };
  oom: null | { constraint: string; invoker_pid: number; gfp_mask: string };
  culprit_kind: string;
  culprit: Record<string, unknown>;
}

function expectTruth(r: TriageReport, s: Scenario): void {
  const t = fixtureMeta(s).truth as unknown as Truth;
  expect(r.schema).toBe('crashdeck.triage/1');
  expect(r.panic.kind).toBe(t.panic_type.startsWith('sysrq') ? 'sysrq' : t.panic_type);
  expect(r.dump.panicMessage).toContain(t.panic_message);
  expect(r.panic.task.pid).toBe(t.panic_task.pid);
  if (t.oom === null) {
    expect(r.oom).toBeNull();
    expect(r.panic.function).toBe(t.culprit.function);
    return;
  }
  expect(r.oom?.constraint).toBe(t.oom.constraint);
  expect(r.oom?.trigger.pid).toBe(t.oom.invoker_pid);
  expect(r.oom?.trigger.gfpMask).toBe(t.oom.gfp_mask);
  expect(r.oom?.victim?.killed ?? false).toBe(false);
  expectOomCulpritAsTruth(r, fixtureMeta(s).truth);
}

describe('crashdeck triage <vmcore> --json (real crash 8.0.6)', () => {
  for (const s of scenarios) {
    it(`${s}: verdict matches meta.json truth`, async () => {
      const { code, stdout, stderr } = await cli(['triage', vmcorePath(s), '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--json']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const r = JSON.parse(stdout) as TriageReport;
      expectTruth(r, s);
      expect(r.basis).toBe('crash');
      expect(r.dump.release).toBe(fixtureMeta(s).kernel.release);
      // a complete session leaves nothing out
      expect(r.missing).toEqual([]);
      if (r.oom) expect(r.oom.confidence).toBe('high');
    });
  }
});

describe('crashdeck triage --dmesg', () => {
  for (const s of scenarios) {
    it(`${s}: --json from vmcore-dmesg.txt matches truth`, async () => {
      const { code, stdout } = await cli(['triage', '--dmesg', fixtureFile(s, 'vmcore-dmesg.txt'), '--json']);
      expect(code).toBe(0);
      expectTruth(JSON.parse(stdout) as TriageReport, s);
    });
  }

  it('--md escapes dump text and --dmesg on a file without log lines fails with a reason', async () => {
    const md = await cli(['triage', '--dmesg', fixtureFile('oom-slab-leak', 'vmcore-dmesg.txt'), '--md']);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Triage: oom/);
    expect(md.stdout).toContain('bufpool\\_entry');
    const bad = await cli(['triage', '--dmesg', fixtureFile('oom-slab-leak', 'meta.json')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/no kernel log lines/);
    const usage = await cli(['triage']);
    expect(usage.code).toBe(2);
  });
});

describe('crashdeck triage --trace (trace recorded in the same boot)', () => {
  it('oom-slab-leak: the leaking call site from the trace backs the slab verdict', async () => {
    const { code, stdout } = await cli(['triage', '--dmesg', fixtureFile('oom-slab-leak', 'vmcore-dmesg.txt'), '--trace', fixtureFile('oom-slab-leak', 'trace-report.txt'), '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as TriageReport;
    expectTruth(r, 'oom-slab-leak');
    // the module's refill function, from the module named in truth
    const traceEv = r.oom?.evidence.filter((e) => e.command === 'trace') ?? [];
    expect(traceEv.some((e) => e.detail.includes(`${String((fixtureMeta('oom-slab-leak').truth.culprit as { module: string }).module)}_refill`))).toBe(true);
  });

  it('oom-user-hog: perf script text names the hog as the page allocator', async () => {
    const t = fixtureMeta('oom-user-hog').truth.culprit as { comm: string; pid: number };
    const { code, stdout } = await cli(['triage', '--dmesg', fixtureFile('oom-user-hog', 'vmcore-dmesg.txt'), '--trace', fixtureFile('oom-user-hog', 'perf-script.txt'), '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as TriageReport;
    expectTruth(r, 'oom-user-hog');
    expect(r.oom?.explanation).toContain(`The trace agrees: ${t.comm} (pid ${t.pid})`);
  });

  it('a file that is not a trace stops before any work, with the reason', async () => {
    const { code, stderr } = await cli(['triage', '--dmesg', fixtureFile('oom-user-hog', 'vmcore-dmesg.txt'), '--trace', fixtureFile('oom-user-hog', 'meta.json')]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/--trace .*meta\.json/);
  });
});

describe('analyze.triage through the Api on a live session', () => {
  it('oom-user-hog: the same verdict the CLI prints, with vm of the culprit as evidence', async () => {
    const { createApi } = await import('../../../electron/host/create-api.ts');
    const api = createApi();
    try {
      const info = await api.call('session.open', { vmcore: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath(), crash: crash806() });
      const r = await api.call('analyze.triage', { sessionId: info.id });
      expectTruth(r as TriageReport, 'oom-user-hog');
      const pid = (fixtureMeta('oom-user-hog').truth.culprit as { pid: number }).pid;
      expect(r.oom?.evidence.some((e) => e.command === `vm ${pid}`)).toBe(true);
    } finally {
      await api.dispose();
    }
  });
});
