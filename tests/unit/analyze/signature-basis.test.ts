/**
 * One dump, one bucket id: the signature from the dump's own kernel log equals the one crash
 * gives, on every fixture and with both crash releases' transcripts (8.0.6 `transcripts/`, 9.0.2
 * `transcripts-crash-9.0.2/` where recorded), after the panic kind's follow-up rounds ran as a live
 * session runs them (answered from what the transcripts hold). What only crash reads — the lock
 * and its owner — is `signatureDetail`, never part of the id.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGuidedCommand } from '../../../electron/crash/allowlist.ts';
import { triage, triageFollowUps, type Gathered } from '../../../electron/analyze/triage.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { mdEscape, renderMarkdown, renderText } from '../../../electron/analyze/render.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { allScenarios, fixtureFile, fixtureMeta, transcript, type Scenario, type TranscriptCrash } from '../../support/fixtures.ts';
import { transcriptDirs } from '../../support/transcripts.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';

const fromLog = (s: Scenario): TriageReport => triage({ log: parseLog(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8')).model, logOnly: true });

/** A task's block of `foreach bt` ("PID: N ..." up to the next). */
const stackOf = (foreach: string, pid: number): string | undefined => foreach.split(/\n(?=PID: )/).find((b) => b.startsWith(`PID: ${pid} `));

/**
 * The follow-up rounds of analyze/gather.ts `runFollowUps`, with crash's answers taken from the
 * transcripts: `bt -a`, `bt PID` and `foreach UN bt` (the UN tasks' blocks of `foreach bt`) are
 * there; a command no transcript holds is answered as crash answers a failed read.
 */
function withFollowUps(s: Scenario, crash: TranscriptCrash): Gathered {
  const g = gatheredFromTranscripts(s, [], [], crash);
  const foreach = transcript(s, 'foreach bt', crash);
  const un = parsePs(transcript(s, 'ps', crash)).model.tasks.filter((t) => t.state === 'UN').map((t) => t.pid);
  const probes = (g.probes ??= {});
  for (let round = 0; round < 4; round++) {
    const wanted = triageFollowUps(g);
    if (!wanted.length) break;
    for (const cmd of wanted) {
      const line = buildGuidedCommand(cmd);
      let out: string | undefined;
      if (cmd.id === 'bt -a') out = transcript(s, 'bt -a', crash);
      else if (cmd.id === 'foreach UN bt') out = un.map((pid) => stackOf(foreach, pid) ?? '').join('\n');
      else if (cmd.id === 'bt' && cmd.arg) out = stackOf(foreach, Number(cmd.arg));
      probes[line] = out ?? `${cmd.id}: invalid kernel virtual address: 0  type: "not recorded in the transcripts"\n`;
    }
  }
  return g;
}

/** The crash releases whose transcripts read these kernels correctly (8.0.2 is too old for them). */
const crashes = (s: Scenario): TranscriptCrash[] => transcriptDirs(s).map((d) => d.crash).filter((c) => c !== '8.0.2');

/** The public fixtures plus the newer 6.12 OOM (its transcripts are laid out like theirs). */
const compared: Scenario[] = [...allScenarios, 'oom-zone-movable-6.12'];

describe('the signature does not move with the basis', () => {
  for (const s of compared) {
    for (const crash of crashes(s)) {
      it(`${s}: the log's signature is crash ${crash}'s`, () => {
        const log = fromLog(s);
        const viaCrash = triage(withFollowUps(s, crash));
        expect(log.basis).toBe('log');
        expect(viaCrash.basis).toBe('crash');
        expect(viaCrash.panic.signature).toBe(log.panic.signature);
        // the id names what the truth names: kind, then the function (and its module) or the OOM culprit
        const t = fixtureMeta(s).truth;
        const kind = t.panic_type.startsWith('sysrq') ? 'sysrq' : t.panic_type;
        expect(log.panic.signature.startsWith(`${kind}:`)).toBe(true);
        if (t.function) expect(log.panic.signature).toContain(`${t.module ? `${t.module}!` : ''}${t.function}`);
      });
    }
  }

  it('every fixture was compared with both crash releases where both were recorded', () => {
    // the 6.12 fixtures carry 9.0.2 transcripts: the loop above must have covered them
    for (const s of compared.filter((x) => x.endsWith('6.12') || x.endsWith('mdf172'))) expect(crashes(s)).toEqual(['8.0.6', '9.0.2']);
  });
});

describe('hung-mutex-6.12: the lock and its owner are detail beside the id', () => {
  const s = 'hung-mutex-6.12';
  const t = fixtureMeta(s).truth;
  const blocked = t.blocked_task?.pid as number;
  const holder = parsePs(transcript(s, 'ps')).model.tasks.find((x) => x.pid === t.lock_holder?.pid);
  const foreach = transcript(s, 'foreach bt');

  it('crash naming the lock and the owner changes signatureDetail, not the signature', () => {
    const g = withFollowUps(s, '8.0.6');
    const probes = g.probes as Record<string, string>;
    // what crash answers on the real dump: the lock's address on the blocked stack, the owner word
    probes[`bt -F ${blocked}`] = `${stackOf(foreach, blocked)?.split('\n')[0]}\n #0 [ffffc90000523ba8] __schedule at ffffffff81cc4e1a\n    ffffc90000523c10: ${t.lock}   ffffc90000523cc8 \n #4 [ffffc90000523cd0] ${t.function} at ffffffffc02140b1 [qdrv]\n`;
    probes[`struct mutex.owner ${t.lock}`] = `  owner = {\n    counter = ${BigInt.asIntN(64, BigInt(`0x${holder?.task}`) | 1n)}\n  },\n`;
    probes[`bt ${holder?.pid}`] = stackOf(foreach, holder?.pid as number) ?? '';
    const r = triage(g);
    expect(r.hung?.tasks[0]?.waitsOn).toEqual({ kind: 'mutex', symbol: t.lock });
    expect(r.panic.signature).toBe(fromLog(s).panic.signature);
    expect(r.panic.signature).toBe(`hung-task:${t.module}!${t.function}<-mutex`);
    expect(r.panic.signatureDetail).toEqual({ lock: t.lock, owner: { pid: t.lock_holder?.pid, comm: t.lock_holder?.comm }, ownerFunction: t.lock_holder_function });
    // shown beside the id on the CLI and in the Markdown table, never inside it
    const detail = `lock ${t.lock}, held by ${t.lock_holder?.comm} pid ${t.lock_holder?.pid} in ${t.lock_holder_function}`;
    expect(renderText(r)).toContain(`Signature: ${r.panic.signature}   (${detail})`);
    expect(renderMarkdown(r)).toContain(`| Beside the signature | ${mdEscape(detail)} |`);
  });

  it('the log alone names no lock: the detail is null, not a guess', () => {
    expect(fromLog(s).panic.signatureDetail).toBeNull();
  });
});
