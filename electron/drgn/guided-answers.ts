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
  freeAreasFromDrgn, lockOwnerWordFromDrgn, memoryFromDrgn, modTaintFromDrgn, moduleLoadFromDrgn, modulesFromDrgn, psFromDrgn, slabFromDrgn,
  stackFromDrgn, stacksFromDrgn, stackWordsFromDrgn, symbolFromDrgn, sysFromDrgn, sysTaintFromDrgn, zonesFromDrgn, type Converted,
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

/**
 * The commands drgn answers, by crash command line: `sys`, `sys -t`, `ps`, `kmem -s/-z/-f/-i`,
 * `mod`, `mod -t`, `mod -s NAME FILE`, `bt [pid]`, `bt -a`, `bt -F PID`, `foreach UN bt`,
 * `struct mutex.owner SYM` / `struct rw_semaphore.owner SYM`, `sym ADDR|NAME`, `log`.
 */
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
    case 'bt -a': return async (s) => stacksFromDrgn(await s.ask('active_stacks'));
    case 'foreach UN bt': return async (s) => stacksFromDrgn(await s.ask('blocked_stacks'));
    case 'sys -t': return async (s) => sysTaintFromDrgn(await s.ask('taint'));
    case 'mod -t': return async (s) => modTaintFromDrgn(await s.ask('taint'));
    case 'log': return async (s) => {
      const { model, diagnostics } = parseLog((await s.ask('log')).text);
      return { model, problems: diagnostics.map((d) => d.message) };
    };
    default:
      return followUpFor(line);
  }
}

/** An address rather than a symbol name, as crash/allowlist.ts tells them apart: 0x..., or 9 to 16 hex digits. */
const hexAddress = /^(?:0x([0-9a-f]{1,16})|([0-9a-f]{9,16}))$/i;

/** The hex digits of an address argument, or null when the argument names a symbol. */
function addressOf(arg: string): string | null {
  const m = hexAddress.exec(arg);
  return m ? ((m[1] ?? m[2]) as string).toLowerCase() : null;
}

/** The commands with an argument: a task's stack (words), a lock's owner, a symbol, a module's debug info. */
function followUpFor(line: string): Ask | null {
  const bt = /^bt (\d{1,9})$/.exec(line);
  if (bt) return async (s) => stackFromDrgn(await s.ask('stack', { pid: Number(bt[1]) }));
  const words = /^bt -F (\d{1,9})$/.exec(line);
  if (words) return async (s) => stackWordsFromDrgn(await s.ask('stack_words', { pid: Number(words[1]) }));
  const owner = /^struct (mutex|rw_semaphore)\.owner (\S+)$/.exec(line);
  if (owner) {
    const [, type, where] = owner as unknown as [string, string, string];
    const kind = type === 'mutex' ? 'mutex' : 'rwsem';
    const address = addressOf(where);
    const at = address ? { address } : { symbol: where };
    return async (s) => lockOwnerWordFromDrgn(await s.ask('lock_owner', { ...at, kind }));
  }
  const sym = /^sym (\S+)$/.exec(line);
  if (sym) {
    const address = addressOf(sym[1] as string);
    const args = address ? { address } : { name: sym[1] as string };
    return async (s) => symbolFromDrgn(await s.ask('symbol', args));
  }
  const load = /^mod -s (\S+) (\S+)$/.exec(line);
  if (load) return async (s) => moduleLoadFromDrgn(await s.ask('load_module', { module: load[1] as string, path: load[2] as string }));
  return null;
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
