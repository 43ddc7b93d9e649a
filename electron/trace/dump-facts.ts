/**
 * The dump facts a trace links against, taken from parsed crash output (ps, kmem -s, log, sys)
 * and reduced to the minimal rows links.ts needs. `gatherDumpFacts` drives any session through
 * a `run` function (the Api's session.run), so the CLI and the app share it.
 */
import type { CommandResponse, GuidedCommand } from '../api/contract.ts';
import type { KmemSlabModel, LogModel, PsModel, SysModel } from '../parse/models.ts';
import type { DumpSlabCache, DumpTask, PanicTime } from '../api/trace-links.ts';
import { panicTimeFromLog } from './links.ts';

/** What the trace links need from a dump. */
export interface DumpFacts {
  tasks: DumpTask[] | null;
  caches: DumpSlabCache[] | null;
  panic: PanicTime | null;
  /** Hints for the evidence: the biggest slab cache (when slab dominates) and the biggest task. */
  culprit: { cache: string | null; pid: number | null; comm: string | null };
  /** Commands that failed or could not be parsed. */
  problems: string[];
}

/** Rows for links.ts from parsed models (any may be missing). */
export function dumpFactsFromModels(m: { ps?: PsModel | null; kmemS?: KmemSlabModel | null; log?: LogModel | null; logText?: string | null; sys?: SysModel | null }): DumpFacts {
  const tasks = m.ps ? m.ps.tasks.map((t) => ({ pid: t.pid, comm: t.comm, kernelThread: t.kernelThread })) : null;
  const caches = m.kmemS ? m.kmemS.caches.map((c) => ({ name: c.name, objsize: c.objSize, allocated: c.allocated, total: c.total, ssize: c.slabSizeText })) : null;
  const panicTs = m.log?.panics.find((p) => p.timestamp !== null)?.timestamp ?? (m.logText ? panicTimeFromLog(m.logText) : null);
  const uptime = m.sys?.uptimeSeconds ?? null;
  const panic = panicTs !== null || uptime !== null ? { panicTs, uptimeSeconds: uptime } : null;
  let cache: string | null = null;
  if (m.kmemS && m.kmemS.caches.length) {
    const total = m.kmemS.caches.reduce((n, c) => n + c.totalBytes, 0);
    const top = [...m.kmemS.caches].sort((a, b) => b.totalBytes - a.totalBytes)[0]!;
    // Only a cache that dominates the slab is a culprit hint; otherwise slab is not the story.
    if (top.totalBytes > total / 2) cache = top.name;
  }
  let pid: number | null = null;
  let comm: string | null = null;
  if (m.ps && m.ps.tasks.length) {
    const top = [...m.ps.tasks].sort((a, b) => b.rssKb - a.rssKb)[0]!;
    if (top.rssKb > 0) {
      pid = top.pid;
      comm = top.comm;
    }
  }
  return { tasks, caches, panic, culprit: { cache, pid, comm }, problems: [] };
}

/** Run ps, kmem -s, log and sys through a session and reduce their parses to DumpFacts. */
export async function gatherDumpFacts(run: (command: GuidedCommand) => Promise<CommandResponse>, onProgress?: (command: string) => void): Promise<DumpFacts> {
  const problems: string[] = [];
  const get = async <T>(id: GuidedCommand['id']): Promise<{ model: T | null; raw: string }> => {
    onProgress?.(id);
    try {
      const r = await run({ id });
      if (r.error) problems.push(`${id}: ${r.error}`);
      if (!r.parsed) problems.push(`${id}: no parse`);
      return { model: (r.parsed?.model as T | undefined) ?? null, raw: r.raw };
    } catch (err) {
      problems.push(`${id}: ${(err as Error).message}`);
      return { model: null, raw: '' };
    }
  };
  const ps = await get<PsModel>('ps');
  const kmemS = await get<KmemSlabModel>('kmem -s');
  const log = await get<LogModel>('log');
  const sys = await get<SysModel>('sys');
  const facts = dumpFactsFromModels({ ps: ps.model, kmemS: kmemS.model, log: log.model, logText: log.raw, sys: sys.model });
  facts.problems = problems;
  return facts;
}
