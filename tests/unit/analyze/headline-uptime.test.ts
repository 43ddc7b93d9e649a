/**
 * One headline and one uptime per dump, whatever the basis: the kernel log read from the dump and
 * crash 8.0.6's / 9.0.2's real transcripts give the same `dump.headline` (an Oops by its first
 * fault line, not crash's `"Oops: Oops: 0000 …" (check log for details)`) and the same uptime
 * (the log's clock: crash's sys UPTIME assumes HZ 1000, Debian's kernels run at 250), and the
 * CLI text, Markdown and HTML report print that headline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatheredFromRaw } from '../../../electron/analyze/gathered-from-raw.ts';
import { renderMarkdown, renderText } from '../../../electron/analyze/render.ts';
import { triage } from '../../../electron/analyze/triage.ts';
import { parseDumpLogText, reportFromLog } from '../../../electron/dumpinfo/log-triage.ts';
import { readDumpIdentity } from '../../../electron/dumpinfo/vmcoreinfo.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { fixtureFile, fixtureMeta, fixturesDir, transcript, vmcorePath, type Scenario } from '../../support/fixtures.ts';

const commands = ['sys', 'sys -t', 'bt', 'log', 'mod', 'mod -t', 'ps', 'kmem -i', 'kmem -z', 'kmem -f', 'kmem -s', 'kmem -V'];

async function fromLog(s: Scenario) {
  const model = parseDumpLogText(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8'));
  if (!model) throw new Error(`${s}: no log`);
  return reportFromLog(model, await readDumpIdentity(new LocalTransport(), vmcorePath(s)));
}

function fromCrash(s: Scenario, crash: '8.0.6' | '9.0.2') {
  return triage(gatheredFromRaw(commands.map((command) => ({ command, raw: transcript(s, command, crash) }))));
}

/** The panic line's timestamp in the saved dmesg (the kernel's own clock), else its last record's. */
function dmesgPanicSeconds(s: Scenario): number {
  const lines = readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8').split('\n');
  const panic = lines.find((l) => /Kernel panic - not syncing/.test(l)) ?? lines.filter((l) => /^\[\s*\d/.test(l)).at(-1)!;
  return Number(/^\[\s*(\d+\.\d+)\]/.exec(panic)![1]);
}

const withCrash9 = (s: Scenario): boolean => existsSync(`${fixturesDir()}/${s}/transcripts-crash-9.0.2`);

describe('one headline and one uptime per dump', () => {
  it('an Oops is headed by its first fault line on every basis, on every surface', async () => {
    const s = 'oops-syscall-6.12';
    const want = 'BUG: kernel NULL pointer dereference, address: 0000000000000004';
    const reports = [await fromLog(s), fromCrash(s, '8.0.6'), fromCrash(s, '9.0.2')];
    for (const r of reports) {
      expect(r.dump.headline).toBe(want);
      // crash's own PANIC line stays available as the message.
      expect(r.dump.panicMessage).not.toBe(want);
    }
    const crash = reports[1]!;
    expect(renderText(crash).split('\n')[0]).not.toMatch(/Oops: Oops/);
    expect(renderText(crash)).toContain(`Panic:     oops — ${want}`);
    expect(renderMarkdown(crash)).toContain(`| Panic | ${want} |`);
  });

  for (const s of ['hung-mutex-6.12', 'softlockup-spin-6.12', 'panic-sysrq', 'oom-slab-leak'] as const) {
    it(`${s}: the headline is the panic line without crash's quoting, the same from the log and from crash`, async () => {
      const log = await fromLog(s);
      const crashes = [fromCrash(s, '8.0.6'), ...(withCrash9(s) ? [fromCrash(s, '9.0.2')] : [])];
      expect(log.dump.headline).toMatch(new RegExp(`^Kernel panic - not syncing: ${fixtureMeta(s).truth.panic_message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      for (const c of crashes) expect(c.dump.headline).toBe(log.dump.headline);
    });
  }

  for (const s of ['hung-mutex-6.12', 'oops-syscall-6.12', 'panic-sysrq'] as const) {
    it(`${s}: the uptime is the kernel log's, with crash too (crash's sys UPTIME assumes HZ 1000)`, async () => {
      const want = Math.round(dmesgPanicSeconds(s));
      expect((await fromLog(s)).dump.uptimeSeconds).toBe(want);
      const c = fromCrash(s, '8.0.6');
      expect(c.dump.uptimeSeconds).toBe(want);
    });
  }

  it('hung-mutex-6.12: crash sys says 00:03:52 while the panic was at 31.8 s: the report says 32 s', () => {
    expect(transcript('hung-mutex-6.12', 'sys')).toMatch(/UPTIME: 00:03:52/);
    expect(fromCrash('hung-mutex-6.12', '8.0.6').dump.uptimeSeconds).toBe(32);
  });

  for (const s of ['oom-slab-leak', 'hung-mutex-6.12', 'oops-syscall-6.12'] as const) {
    it(`${s}: evidence says each row once (no 'Node 0 DMA free:: DMA:', no 'task …: first fault report: task …')`, async () => {
      for (const r of [await fromLog(s), fromCrash(s, '8.0.6')]) {
        const lines = renderText(r).split('\n').filter((l) => /^\s+\[[^\]]+\] /.test(l));
        // The CLI prints the OOM's evidence; a panic's evidence is checked as data below.
        if (r.oom) expect(lines.length).toBeGreaterThan(0);
        for (const l of lines) {
          expect(l).not.toMatch(/::/);
          const body = l.replace(/^\s+\[[^\]]+\] /, '');
          const [row, detail] = body.split(' — ');
          if (detail !== undefined) expect(detail.startsWith(row!)).toBe(false);
        }
        const fault = r.panic.evidence.find((e) => e.detail === 'the first fault report in the log');
        if (s !== 'oom-slab-leak') expect(fault && !fault.detail.includes(fault.row)).toBe(true);
      }
    });
  }
});

