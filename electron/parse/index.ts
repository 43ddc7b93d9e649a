/**
 * Parser registry: crash command line -> the parser for its output. Pure and never throws:
 * a command without a parser (or with flags that change the output format) yields null, so
 * callers show the raw text only.
 */
import type { Parsed } from '../api/contract.ts';
import type { ParseResult } from './common.ts';
import type { PageFlagsModel } from './models.ts';
import { BT_PARSER_VERSION, parseBt } from './bt.ts';
import { FOLLOW_UP_PARSER_VERSION, parseLockOwnerWord, parseModuleLoad, parseStackWords, parseSymbolAt } from './follow-ups.ts';
import { KMEM_FREE_PARSER_VERSION, parseKmemFree } from './kmem-free.ts';
import { KMEM_INFO_PARSER_VERSION, parseKmemInfo } from './kmem-info.ts';
import { KMEM_PAGEFLAGS_PARSER_VERSION, parseKmemPageFlags } from './kmem-pageflags.ts';
import { KMEM_PAGES_PARSER_VERSION, parseKmemPages } from './kmem-pages.ts';
import { KMEM_SLAB_PARSER_VERSION, parseKmemSlab } from './kmem-slab.ts';
import { KMEM_SLAB_DETAIL_PARSER_VERSION, parseKmemSlabDetail } from './kmem-slab-detail.ts';
import { KMEM_VMSTAT_PARSER_VERSION, parseKmemVmStat } from './kmem-vmstat.ts';
import { KMEM_ZONE_PARSER_VERSION, parseKmemZone } from './kmem-zone.ts';
import { LOG_PARSER_VERSION, parseLog } from './log.ts';
import { MOD_PARSER_VERSION, parseMod, parseModTaint } from './mod.ts';
import { PS_PARSER_VERSION, parsePs } from './ps.ts';
import { PS_LASTRUN_PARSER_VERSION, parsePsLastRun } from './ps-lastrun.ts';
import { PS_STATES_PARSER_VERSION, parsePsStates } from './ps-states.ts';
import { SYS_PARSER_VERSION, parseSys } from './sys.ts';
import { SYS_TAINT_PARSER_VERSION, parseSysTaint } from './sys-taint.ts';
import { VM_PARSER_VERSION, parseVm } from './vm.ts';
import { VTOP_PARSER_VERSION, parseVtop } from './vtop.ts';

export { parseBt, panicTaskOf } from './bt.ts';
export { parseKmemFree } from './kmem-free.ts';
export { parseKmemInfo } from './kmem-info.ts';
export { decodePageFlags, parseKmemPageFlags } from './kmem-pageflags.ts';
export { parseKmemPages, summarize as summarizePages } from './kmem-pages.ts';
export { parseKmemSlab } from './kmem-slab.ts';
export { parseKmemSlabDetail } from './kmem-slab-detail.ts';
export { parseKmemVmStat } from './kmem-vmstat.ts';
export { parseKmemZone } from './kmem-zone.ts';
export { parseLog } from './log.ts';
export { parseMod, parseModTaint } from './mod.ts';
export { parsePs } from './ps.ts';
export { parsePsLastRun } from './ps-lastrun.ts';
export { parsePsStates } from './ps-states.ts';
export { parseSys, uptimeSeconds } from './sys.ts';
export { parseSysTaint, decodeTaint, TAINT_FLAGS } from './sys-taint.ts';
export { parseVm } from './vm.ts';
export { parseVtop } from './vtop.ts';
export type * from './vtop.ts';
export type * from './models.ts';

/** One registered parser: a name (shown as Parsed.parser), its version and its command matcher. */
interface ParserEntry {
  parser: string;
  version: number;
  /** True when this parser reads the output of `verb` with these arguments. */
  accepts(verb: string, args: string[]): boolean;
  parse(text: string, context: ParseContext): ParseResult<unknown>;
}

/** What a caller may know from earlier commands of the same session. */
export interface ParseContext {
  /** The dump's own `kmem -g` table: `kmem -p` FLAGS are then decoded bit by bit through it. */
  pageFlags?: PageFlagsModel | null;
}

const onlyFlags = (args: string[], allowed: string[]): boolean =>
  args.every((a) => !a.startsWith('-') || allowed.includes(a));

const entries: ParserEntry[] = [
  {
    parser: 'sys', version: SYS_PARSER_VERSION,
    accepts: (verb, args) => verb === 'sys' && args.length === 0,
    parse: (t) => parseSys(t),
  },
  {
    parser: 'banner', version: SYS_PARSER_VERSION,
    accepts: (verb) => verb === 'banner',
    parse: (t) => parseSys(t, { banner: true }),
  },
  {
    parser: 'sys -t', version: SYS_TAINT_PARSER_VERSION,
    accepts: (verb, args) => verb === 'sys' && args.length === 1 && args[0] === '-t',
    parse: parseSysTaint,
  },
  {
    // Flags that add raw stack words or change the layout (-f, -r, -F, -t...) are not accepted;
    // -s only writes each frame's symbol as symbol+offset (decimal), which the frame keeps as its function.
    parser: 'bt', version: BT_PARSER_VERSION,
    accepts: (verb, args) =>
      (verb === 'bt' && onlyFlags(args, ['-a', '-l', '-c', '-p', '-s'])) ||
      (verb === 'foreach' && args.includes('bt') && onlyFlags(args, ['-a', '-l'])),
    parse: parseBt,
  },
  {
    // The panic-kind follow-ups (follow-ups.ts): one task's stack words, a lock's owner word,
    // the symbol at an address, a module's debug info loaded.
    parser: 'bt -F', version: FOLLOW_UP_PARSER_VERSION,
    accepts: (verb, args) => verb === 'bt' && args.length === 2 && args[0] === '-F' && /^\d{1,9}$/.test(args[1] as string),
    parse: parseStackWords,
  },
  {
    parser: 'struct owner', version: FOLLOW_UP_PARSER_VERSION,
    accepts: (verb, args) => verb === 'struct' && args.length === 2 && (args[0] === 'mutex.owner' || args[0] === 'rw_semaphore.owner'),
    parse: parseLockOwnerWord,
  },
  {
    parser: 'sym', version: FOLLOW_UP_PARSER_VERSION,
    accepts: (verb, args) => verb === 'sym' && args.length === 1 && /^(?:0x)?[0-9a-f]{1,16}$/i.test(args[0] as string),
    parse: parseSymbolAt,
  },
  {
    parser: 'mod -s', version: FOLLOW_UP_PARSER_VERSION,
    accepts: (verb, args) => verb === 'mod' && args[0] === '-s' && (args.length === 2 || args.length === 3),
    parse: parseModuleLoad,
  },
  {
    // -t (no timestamps), -T (human times), -m (levels) keep one record per line; -d/-s/-a add other text.
    parser: 'log', version: LOG_PARSER_VERSION,
    accepts: (verb, args) => (verb === 'log' || verb === 'dmesg') && onlyFlags(args, ['-t', '-T', '-m']),
    parse: parseLog,
  },
  {
    // Filters keep the columns; -t/-l/-c/-p/-a/-g/-r/-S/-s/-m/-C/-H print other layouts.
    parser: 'ps', version: PS_PARSER_VERSION,
    accepts: (verb, args) => verb === 'ps' && onlyFlags(args, ['-G', '-k', '-u', '-A', '-y']),
    parse: parsePs,
  },
  {
    // -m (time since last run) and -l (last-run ns) share one layout; pid/comm filters and -C keep it.
    parser: 'ps -m', version: PS_LASTRUN_PARSER_VERSION,
    accepts: (verb, args) => verb === 'ps' && args.filter((a) => a === '-m' || a === '-l').length === 1
      && args.every((a) => !a.startsWith('-') || ['-m', '-l', '-G', '-k', '-u', '-y'].includes(a) || /^-C[\d,-]{1,64}$/.test(a)),
    parse: parsePsLastRun,
  },
  {
    parser: 'ps -S', version: PS_STATES_PARSER_VERSION,
    accepts: (verb, args) => verb === 'ps' && args.length === 1 && args[0] === '-S',
    parse: parsePsStates,
  },
  {
    // `kmem -i=shared` (crash 9.0+) adds SHARED back; same layout.
    parser: 'kmem -i', version: KMEM_INFO_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args.length === 1 && (args[0] === '-i' || args[0] === '-i=shared'),
    parse: parseKmemInfo,
  },
  {
    // `kmem -s` and `kmem -s <cache|address>`; -S adds per-slab detail in another layout.
    parser: 'kmem -s', version: KMEM_SLAB_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args[0] === '-s' && args.slice(1).every((a) => !a.startsWith('-')),
    parse: parseKmemSlab,
  },
  {
    // `kmem -S <cache>`: one cache's slabs per CPU and node.
    parser: 'kmem -S', version: KMEM_SLAB_DETAIL_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args[0] === '-S' && args.length === 2 && !args[1]!.startsWith('-'),
    parse: parseKmemSlabDetail,
  },
  {
    parser: 'kmem -z', version: KMEM_ZONE_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args.length === 1 && args[0] === '-z',
    parse: parseKmemZone,
  },
  {
    parser: 'kmem -f', version: KMEM_FREE_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args.length === 1 && args[0] === '-f',
    parse: parseKmemFree,
  },
  {
    parser: 'mod', version: MOD_PARSER_VERSION,
    accepts: (verb, args) => verb === 'mod' && args.length === 0,
    parse: parseMod,
  },
  {
    parser: 'mod -t', version: MOD_PARSER_VERSION,
    accepts: (verb, args) => verb === 'mod' && args.length === 1 && args[0] === '-t',
    parse: parseModTaint,
  },
  {
    parser: 'kmem -V', version: KMEM_VMSTAT_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args.length === 1 && args[0] === '-V',
    parse: parseKmemVmStat,
  },
  {
    parser: 'kmem -g', version: KMEM_PAGEFLAGS_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args[0] === '-g' && args.length <= 2,
    parse: parseKmemPageFlags,
  },
  {
    // Without the dump's kmem -g table (ParseContext.pageFlags), FLAGS are decoded through the
    // names crash printed, which crash itself derives from the same table.
    parser: 'kmem -p', version: KMEM_PAGES_PARSER_VERSION,
    accepts: (verb, args) => verb === 'kmem' && args[0] === '-p' && args.slice(1).every((a) => !a.startsWith('-')),
    parse: (t, ctx) => parseKmemPages(t, ctx.pageFlags ?? null),
  },
  {
    // `vm`, `vm <pid|task>`; -p/-P/-m/-v/-R/-f/-d print other layouts.
    parser: 'vm', version: VM_PARSER_VERSION,
    accepts: (verb, args) => verb === 'vm' && args.length <= 1 && args.every((a) => !a.startsWith('-')),
    parse: parseVm,
  },
  {
    // `vtop [-c PID|TASK] [-u|-k] ADDR...`; -c only picks the address space, the layout is the same.
    parser: 'vtop', version: VTOP_PARSER_VERSION,
    accepts: (verb, args) => {
      if (verb !== 'vtop' || !onlyFlags(args, ['-c', '-u', '-k'])) return false;
      const c = args.indexOf('-c');
      return args.filter((a, i) => !a.startsWith('-') && (c < 0 || i !== c + 1)).length > 0;
    },
    parse: parseVtop,
  },
];

/** Split a command line into verb and args (crash commands are space separated, no quoting we need). */
function tokenize(command: string): { verb: string; args: string[] } {
  const parts = String(command).trim().split(/\s+/).filter(Boolean);
  return { verb: parts[0] ?? '', args: parts.slice(1) };
}

/** The parser name for a command line, or null when none applies. */
export function parserFor(command: string): string | null {
  const { verb, args } = tokenize(command);
  return entries.find((e) => e.accepts(verb, args))?.parser ?? null;
}

/**
 * Parse the raw output of `command` (e.g. "kmem -s", "vm 179", "bt -a"); null when no parser
 * exists for it. The special command "banner" parses crash's startup banner. `context` carries
 * what earlier commands of the session established (the `kmem -g` table for `kmem -p`).
 */
export function parseCommandOutput(command: string, raw: string, context: ParseContext = {}): Parsed | null {
  try {
    const { verb, args } = tokenize(command);
    const entry = entries.find((e) => e.accepts(verb, args));
    if (!entry) return null;
    const { model, diagnostics } = entry.parse(typeof raw === 'string' ? raw : '', context ?? {});
    return { parser: entry.parser, parserVersion: entry.version, model, diagnostics };
  } catch (e) {
    // Parsers are guarded themselves; this only covers a bug in the registry.
    return {
      parser: 'unknown', parserVersion: 0, model: null,
      diagnostics: [{ code: 'internal-error', severity: 'error', message: `parser registry failed: ${e instanceof Error ? e.message : String(e)}` }],
    };
  }
}
