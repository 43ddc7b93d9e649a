/**
 * The log-based verdict (the fixture's vmcore-dmesg.txt, as dump.identify reads it) against
 * crash's verdict over crash 8.0.6's real transcripts of the same dump: they agree on every
 * fixture, and against another dump's transcripts every difference is named.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatheredFromRaw } from '../../../electron/analyze/gathered-from-raw.ts';
import { triage } from '../../../electron/analyze/triage.ts';
import { compareVerdicts } from '../../../electron/analyze/verdict-diff.ts';
import { parseDumpLogText, reportFromLog } from '../../../electron/dumpinfo/log-triage.ts';
import { readDumpIdentity } from '../../../electron/dumpinfo/vmcoreinfo.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { allScenarios, fixtureFile, transcript, vmcorePath, type Scenario } from '../../support/fixtures.ts';

const commands = ['sys', 'sys -t', 'bt', 'log', 'mod', 'mod -t', 'ps', 'kmem -i', 'kmem -z', 'kmem -f', 'kmem -s', 'kmem -V'];

async function logReport(s: Scenario): ReturnType<typeof reportFromLog> extends infer R ? Promise<R> : never {
  const model = parseDumpLogText(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8'));
  if (!model) throw new Error(`${s}: no log`);
  return reportFromLog(model, await readDumpIdentity(new LocalTransport(), vmcorePath(s)));
}

function crashReport(s: Scenario): ReturnType<typeof triage> {
  return triage(gatheredFromRaw(commands.map((command) => ({ command, raw: transcript(s, command) }))));
}

describe('compareVerdicts on the fixtures', () => {
  for (const s of allScenarios) {
    it(`${s}: the kernel log's verdict and crash's agree`, async () => {
      const log = await logReport(s);
      const crash = crashReport(s);
      expect(log.basis).toBe('log');
      expect(crash.basis).toBe('crash');
      expect(compareVerdicts(log, crash)).toEqual({ agree: true, differences: [] });
    });
  }

  it('against another dump\'s crash output, each disagreement is named with both answers', async () => {
    const d = compareVerdicts(await logReport('oom-slab-leak'), crashReport('oom-user-hog'));
    expect(d.agree).toBe(false);
    expect(d.differences).toContain('OOM culprit: the kernel log says slab bufpool_entry, crash says user-anon ingestd (pid 179)');
    expect(d.differences.some((x) => x.startsWith('panic task: the kernel log says kworker/u4:1 (pid 29), crash says '))).toBe(true);
    const k = compareVerdicts(await logReport('panic-sysrq'), crashReport('oops-syscall-6.12'));
    expect(k.differences[0]).toBe('panic kind: the kernel log says sysrq, crash says oops');
  });
});
