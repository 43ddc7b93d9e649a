/**
 * The small follow-up commands panic-kind triage sends after the first reading (`bt -F PID`,
 * `struct mutex.owner SYM`, `sym ADDR`, `mod -s NAME FILE`): crash's text -> the follow-up
 * models of models.ts, the same models drgn's answers become. Each model carries crash's error
 * line instead of data when crash refused, so the verdict can say what crash answered.
 */
import { Diagnostics, guarded, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { LockOwnerWordModel, ModuleLoadModel, StackWordsFrame, StackWordsModel, SymbolAtModel } from './models.ts';

export const FOLLOW_UP_PARSER_VERSION = 1;

/** The line where crash reported a failure instead of output ("bt: invalid task or pid value: 9"), or null. */
export function crashFailed(text: string): string | null {
  const line = text.split('\n').find((l) => /^(?:\w[\w -]{0,20}: |symbol not found|gdb: |invalid |Usage:)/.test(l.trim()) && !/^\s*[0-9a-f]{8,16} /.test(l));
  return line ? line.trim() : null;
}

/** The first non-empty line (what to quote when a reply is not what was asked for). */
function firstLine(text: string): string {
  return text.trim().split('\n').find((l) => l.trim())?.trim().slice(0, 200) ?? 'no output';
}

const frameLine = /^\s*#(\d{1,4}) \[[0-9a-f]{1,16}\] (\S{1,128}) at [0-9a-f]{1,16}(?: \[([\w-]{1,64})\])?/;
const wordsLine = /^\s*[0-9a-f]{8,16}: (.*)$/;
const header = /^PID: (\d{1,9})\s+TASK: [0-9a-f]{1,16}\s+CPU: \d{1,5}\s+COMMAND: "(.{0,64})"\s*$/;

/** `bt -F PID`: the frames and, under each, the stack words crash printed symbolically. */
export function parseStackWords(text: string): ParseResult<StackWordsModel> {
  return guarded<StackWordsModel>('bt -F', () => ({ pid: null, command: null, frames: [], error: null }), () => {
    const diags = new Diagnostics('bt -F');
    const model: StackWordsModel = { pid: null, command: null, frames: [], error: null };
    let current: StackWordsFrame | null = null;
    for (const line of splitLines(text)) {
      const h = header.exec(line);
      if (h) {
        // One task only: a second header would be another task's stack.
        if (model.pid !== null) break;
        model.pid = Number(h[1]);
        model.command = h[2] as string;
        continue;
      }
      const f = frameLine.exec(line);
      if (f) {
        current = { level: Number(f[1]), function: f[2] as string, module: f[3] ?? null, words: [] };
        model.frames.push(current);
        continue;
      }
      const w = wordsLine.exec(line);
      if (w && current) current.words.push(...(w[1] as string).trim().split(/\s+/).filter(Boolean));
    }
    if (model.frames.length === 0) model.error = crashFailed(text) ?? firstLine(text);
    return { model, diagnostics: diags.finish() };
  });
}

/** `struct mutex.owner X` / `struct rw_semaphore.owner X`: the owner word as 16 hex digits. */
export function parseLockOwnerWord(text: string): ParseResult<LockOwnerWordModel> {
  return guarded<LockOwnerWordModel>('struct owner', () => ({ word: null, error: null }), () => {
    const m = /counter = (-?\d{1,20}|0x[0-9a-f]{1,16})\b/.exec(text);
    if (!m) return { model: { word: null, error: crashFailed(text) ?? firstLine(text) }, diagnostics: [] };
    let v = BigInt(m[1] as string);
    if (v < 0n) v += 1n << 64n;
    return { model: { word: (v & ((1n << 64n) - 1n)).toString(16).padStart(16, '0'), error: null }, diagnostics: [] };
  });
}

/**
 * `sym ADDR`: "ffffffffc02140e5 (t) qdrv_submit.constprop.0+5 [qdrv] /build/qdrv.c: 43", or for
 * a data address "ffffffffc0211588 (?) qdrv_hw_lock [qdrv]" (no offset: the object itself).
 */
export function parseSymbolAt(text: string): ParseResult<SymbolAtModel> {
  return guarded<SymbolAtModel>('sym', () => ({ address: '', name: null, offset: null, type: null, module: null, source: null, error: null }), () => {
    const line = splitLines(text).map((l) => l.trim()).find((l) => /^[0-9a-f]{8,16} \(\S\) /.test(l));
    const m = line ? /^([0-9a-f]{8,16}) \((\S)\) ([A-Za-z_$][\w.$]{0,127})(?:\+(\d{1,10}))?(?: \[([\w-]{1,64})\])?(?: (\S.{0,400}): (\d{1,7}))?\s*$/.exec(line) : null;
    if (!m) return { model: { address: '', name: null, offset: null, type: null, module: null, source: null, error: crashFailed(text) ?? firstLine(text) }, diagnostics: [] };
    return {
      model: {
        address: m[1] as string,
        name: m[3] as string,
        offset: m[4] ? Number(m[4]) : 0,
        type: m[2] as string,
        module: m[5] ?? null,
        source: m[6] ? `${m[6]}: ${m[7]}` : null,
        error: null,
      },
      diagnostics: [],
    };
  });
}

/** `mod -s NAME [FILE]`: the module row with the object file now loaded, or crash's reason. */
export function parseModuleLoad(text: string): ParseResult<ModuleLoadModel> {
  return guarded<ModuleLoadModel>('mod -s', () => ({ module: null, objectFile: null, error: null }), () => {
    for (const l of splitLines(text)) {
      const row = /^[0-9a-f]{8,16}\s+(\S{1,64})\s+[0-9a-f]{8,16}\s+\d{1,12}\s+(\/\S{1,4000})/.exec(l.trim());
      if (row) return { model: { module: row[1] as string, objectFile: row[2] as string, error: null }, diagnostics: [] };
    }
    return { model: { module: null, objectFile: null, error: crashFailed(text) ?? firstLine(text) }, diagnostics: [] };
  });
}
