/**
 * The seam between the crash command lines the views ask for and the drgn engine: which guided
 * commands drgn answers, and their answers as the same `Parsed` value crash's text parsers give
 * (parse/index.ts names the parser and its version), with `engine: 'drgn'` and what drgn could
 * not read as diagnostics. A session that has both engines asks this first for a command drgn
 * answers and crash for the rest; a null answer means "ask crash".
 */
import type { Diagnosis, Parsed } from '../api/contract.ts';
import { parseCommandOutput } from '../parse/index.ts';
import { parseLog } from '../parse/log.ts';
import type { DrgnSession } from './session.ts';
import {
  freeAreasFromDrgn, memoryFromDrgn, modulesFromDrgn, psFromDrgn, slabFromDrgn, stackFromDrgn, sysFromDrgn, zonesFromDrgn, type Converted,
} from './to-models.ts';

/** One command answered by drgn. */
export interface DrgnCommandAnswer {
  engine: 'drgn';
  /** The crash command line this answers ("ps", "bt 269"). */
  command: string;
  /** drgn's release ("0.3.0"): what the result frame and reports name. */
  drgnVersion: string;
  parsed: Parsed;
  durationMs: number;
}

/** The commands drgn answers, by crash command line: `sys`, `ps`, `kmem -s/-z/-f/-i`, `mod`, `bt [pid]`, `log`. */
export function drgnAnswers(command: string): boolean {
  return questionFor(command) !== null;
}

type Ask = (session: DrgnSession) => Promise<Converted<unknown>>;

function questionFor(command: string): Ask | null {
  const line = command.trim().replace(/\s+/g, ' ');
  switch (line) {
    case 'sys': return async (s) => sysFromDrgn(await s.ask('sys'));
    case 'ps': return async (s) => psFromDrgn(await s.ask('tasks'));
    case 'kmem -s': return async (s) => slabFromDrgn(await s.ask('slab_caches'));
    case 'kmem -z': return async (s) => zonesFromDrgn(await s.ask('zones', { freeAreas: false }));
    case 'kmem -f': return async (s) => freeAreasFromDrgn(await s.ask('zones'));
    case 'kmem -i': return async (s) => memoryFromDrgn(await s.ask('memory'));
    case 'mod': return async (s) => modulesFromDrgn(await s.ask('modules'));
    case 'bt': return async (s) => stackFromDrgn(await s.ask('stack'));
    case 'log': return async (s) => {
      const { model, diagnostics } = parseLog((await s.ask('log')).text);
      return { model, problems: diagnostics.map((d) => d.message) };
    };
    default: {
      const bt = /^bt (\d{1,9})$/.exec(line);
      if (bt) return async (s) => stackFromDrgn(await s.ask('stack', { pid: Number(bt[1]) }));
      return null;
    }
  }
}

/** Answer a crash command line with drgn; null when drgn does not answer that command. Rejects with DrgnError. */
export async function answerWithDrgn(session: DrgnSession, command: string): Promise<DrgnCommandAnswer | null> {
  const ask = questionFor(command);
  if (!ask) return null;
  const started = Date.now();
  const ready = await session.start();
  const { model, problems } = await ask(session);
  // The parser crash's text of this command goes through: same name and version, so caches and
  // views treat the model as theirs.
  const shape = parseCommandOutput(command, '');
  const diagnostics: Diagnosis[] = problems.map((message) => ({ code: 'drgn-partial', severity: 'warning', message }));
  return {
    engine: 'drgn',
    command,
    drgnVersion: ready.drgn,
    parsed: { parser: shape?.parser ?? 'drgn', parserVersion: shape?.parserVersion ?? 0, model, diagnostics },
    durationMs: Date.now() - started,
  };
}
