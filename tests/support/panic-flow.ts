/**
 * The Panic view's way to its verdict over the real Api (PanicView.svelte through its cache):
 * the view's commands, then the follow-ups analyze.followUps asks for, round by round, then
 * analyze.triageRaw over all of it. drgn's answers are handed over as models, crash's as text,
 * as result-cache.ts heldResult does. Shared by the integration tests and the bench.
 */
import path from 'node:path';
import type { ApiHost } from '../../electron/api/handlers.ts';
import type { GuidedCommand, Parsed } from '../../electron/api/contract.ts';
import type { TriageReport } from '../../electron/api/triage-report.ts';
import { followUpRaw, maxFollowUpRounds, newFollowUps, panicCommands } from '../../renderer/views/Panic/panic-model.ts';

export interface PanicFlow {
  report: TriageReport;
  /** The follow-up command lines asked. */
  asked: string[];
  /** Which engines answered ('none' for a command neither answered). */
  engines: Set<string>;
}

export async function panicVerdictThroughApi(api: ApiHost, sessionId: string, vmcore: string): Promise<PanicFlow> {
  const engines = new Set<string>();
  const run = async (command: GuidedCommand): Promise<{ command: string; raw: string; parsed?: Parsed }> => {
    try {
      const r = await api.call('session.run', { sessionId, command });
      engines.add(r.engine ?? 'crash');
      return { command: r.command, raw: followUpRaw({ raw: r.raw, error: r.error ?? null }), ...(r.engine === 'drgn' && r.parsed ? { parsed: r.parsed } : {}) };
    } catch (err) {
      // A command neither engine answers (crash absent): the view keeps the error as the answer.
      engines.add('none');
      return { command: command.arg ? `${command.id} ${command.arg}` : command.id, raw: `error: ${(err as Error).message}` };
    }
  };
  const results = [];
  for (const id of panicCommands) results.push(await run({ id }));
  const moduleDir = path.dirname(vmcore);
  let asked: GuidedCommand[] = [];
  for (let round = 0; round < maxFollowUpRounds; round++) {
    const more = newFollowUps(asked, await api.call('analyze.followUps', { results, moduleDir }));
    if (!more.length) break;
    asked = [...asked, ...more];
    for (const c of more) results.push(await run(c));
  }
  const report = await api.call('analyze.triageRaw', { results, moduleDir });
  return { report, asked: asked.map((c) => (c.arg ? `${c.id} ${c.arg}` : c.id)), engines };
}
