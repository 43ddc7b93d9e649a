/**
 * Results the user looked at, carried into a case: report.export takes the renderer's cached
 * results for the dump and merges them with the ones the session produced (or the opened case
 * holds). The session's own results win for the same command; cached ones fill in every other
 * command (`vm 1234`, `kmem -p ADDR`, `vtop -c ...`, console lines), so a teammate opening the
 * bundle sees the views the author had open.
 *
 * Cached results come from the renderer and are not trusted: each is bounded (count, text size),
 * its command is only ever a lookup key (a case never runs anything), and its parsed model is
 * dropped — the raw text is parsed again here by the host's own parsers, so a bundle holds only
 * models this build produced from the text beside them.
 */
import { ApiError, commandIds, exportResultLimits, type CachedResult } from '../api/contract.ts';
import { buildGuidedCommand } from '../crash/allowlist.ts';
import { parseCommandOutput } from '../parse/index.ts';
import { normalizeCommand } from './case-session.ts';
import type { CaseResult } from './case-types.ts';

// Longest first, so "bt -a" is found before "bt" and "kmem -S" before a shorter id.
const idsLongestFirst = [...commandIds].sort((a, b) => b.length - a.length);
// Tab and newline are whitespace normalizeCommand collapses; any other control character is refused.
// eslint-disable-next-line no-control-regex
const controlChars = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/**
 * The command line a case answers a cached result under: a guided command's exact line as the
 * allowlist builds it (so "kmem -p 0xFFFF8880" is found when the view asks for it again, which
 * the host turns into "kmem -p 0xffff8880"), else the line with collapsed whitespace (console).
 */
export function caseCommandKey(command: string): string {
  const line = normalizeCommand(command);
  const id = idsLongestFirst.find((c) => line === c || line.startsWith(`${c} `));
  if (!id) return line;
  try {
    return buildGuidedCommand({ id, arg: line.slice(id.length).trim() });
  } catch {
    return line;
  }
}

/** UTF-8 bytes of a result's text (raw, warnings, error): what the size limit counts. */
function textBytes(r: CachedResult): number {
  let n = Buffer.byteLength(r.raw, 'utf8') + Buffer.byteLength(r.error ?? '', 'utf8');
  for (const w of r.warnings) n += Buffer.byteLength(w, 'utf8');
  return n;
}

/** Bounds on the cached results one export takes (the contract's are `exportResultLimits`). */
export interface CachedResultLimits {
  maxResults: number;
  maxTotalTextBytes: number;
  maxCommandChars: number;
}

/** Refuse cached results over the limits, or with a command no case could hold, saying which. */
export function checkCachedResults(results: readonly CachedResult[], limits: CachedResultLimits = exportResultLimits): void {
  if (results.length > limits.maxResults) {
    throw new ApiError('bad-request', `${results.length} cached results sent with the export, more than the ${limits.maxResults} a case takes`, 'Export fewer results (the most recently used ones).');
  }
  let total = 0;
  for (const r of results) {
    if (normalizeCommand(r.command) === '' || r.command.length > limits.maxCommandChars || controlChars.test(r.command)) {
      throw new ApiError('bad-request', `cached result with an unusable command line ${JSON.stringify(r.command.slice(0, 80))} (empty, over ${limits.maxCommandChars} characters, or with control characters)`);
    }
    total += textBytes(r);
    if (total > limits.maxTotalTextBytes) {
      throw new ApiError(
        'bad-request',
        `the cached results sent with the export hold more than ${limits.maxTotalTextBytes} bytes of output text (${Math.round(limits.maxTotalTextBytes / 1024 / 1024)} MiB)`,
        'Export fewer results (the most recently used ones); the case keeps the session\'s own results either way.',
      );
    }
  }
}

/** A cached result as a case result: its key command, the raw text as is, parsed again here. */
export function caseResultOfCached(r: CachedResult): CaseResult {
  const command = caseCommandKey(r.command);
  const diagnoses = [...(r.diagnoses ?? [])];
  let parsed = null;
  try {
    parsed = parseCommandOutput(command, r.raw);
  } catch (err) {
    diagnoses.push({ code: 'parse-failed', severity: 'warning', message: `the ${command} parser failed: ${(err as Error).message}` });
  }
  return {
    command,
    raw: r.raw,
    parsed,
    crashVersion: r.crashVersion,
    at: r.at,
    durationMs: r.durationMs,
    warnings: [...r.warnings],
    error: r.error,
    diagnoses,
  };
}

/**
 * The case's results: `own` (the session's, or the opened case's) first and winning for their
 * commands, then each other cached command once (the newest when sent twice). Checks the limits.
 */
export function mergeCaseResults(own: readonly CaseResult[], cached: readonly CachedResult[] = []): CaseResult[] {
  checkCachedResults(cached);
  const out = new Map<string, CaseResult>();
  for (const r of own) out.set(caseCommandKey(r.command), r);
  const extra = new Map<string, CaseResult>();
  for (const c of cached) {
    const r = caseResultOfCached(c);
    if (out.has(r.command)) continue;
    const seen = extra.get(r.command);
    if (!seen || r.at > seen.at) extra.set(r.command, r);
  }
  return [...out.values(), ...extra.values()];
}
