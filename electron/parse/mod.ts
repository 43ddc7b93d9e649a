/**
 * `mod` (loaded modules: address, name, base, size, debuginfo object) and `mod -t` (taint
 * letters per module). crash 7.x prints no BASE column, crash on 6.4+ kernels TEXT_BASE; the header decides.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { ModModel, ModTaintModel, ModuleRow } from './models.ts';

export const MOD_PARSER_VERSION = 2;

/** Parse `mod`. */
export function parseMod(text: string): ParseResult<ModModel> {
  return guarded('mod', () => ({ modules: [] }), () => {
    const diags = new Diagnostics('mod');
    const modules: ModuleRow[] = [];
    let hasBase = true;
    let header = false;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const f = fields(line);
      if (f[0] === 'MODULE' && f[1] === 'NAME') {
        // 6.4+ kernels split module memory (struct module_memory): crash then heads the column TEXT_BASE.
        hasBase = f.includes('BASE') || f.includes('TEXT_BASE');
        header = true;
        continue;
      }
      if (crashMessage(line, ['mod'], diags)) continue;
      const r = modRow(f, hasBase);
      if (r) modules.push(r);
      else diags.skip(i + 1, line, 'not a mod row');
    }
    if (modules.length === 0 && !header) noDataDiagnosis(diags, 'mod', text);
    return { model: { modules }, diagnostics: diags.finish() };
  });
}

function modRow(f: string[], hasBase: boolean): ModuleRow | null {
  const n = hasBase ? 4 : 3;
  if (f.length < n + 1) return null;
  const module = f[0] as string;
  const name = f[1] as string;
  const base = hasBase ? (f[2] as string) : null;
  const sizeText = f[n - 1] as string;
  if (!/^[0-9a-f]{8,16}$/.test(module) || (base !== null && !/^[0-9a-f]{8,16}$/.test(base)) || !/^\d{1,12}$/.test(sizeText)) return null;
  // The object column is the rest of the line: "(not loaded)  [CONFIG_KALLSYMS]" or a path.
  let rest = f.slice(n).join(' ');
  let note: string | null = null;
  const noteMatch = /\s*(\[[^\]]{1,64}\])$/.exec(rest);
  if (noteMatch) {
    note = noteMatch[1] as string;
    rest = rest.slice(0, noteMatch.index).trim();
  }
  const objectFile = rest === '(not loaded)' || rest === '' ? null : rest;
  return { module, name, base, size: Number(sizeText), objectFile, note, taints: null };
}

/** Parse `mod -t`. "no tainted modules" is an empty list, not a problem. */
export function parseModTaint(text: string): ParseResult<ModTaintModel> {
  return guarded('mod -t', () => ({ modules: [] }), () => {
    const diags = new Diagnostics('mod -t');
    const modules: { name: string; taints: string }[] = [];
    let understood = false;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const t = line.trim();
      if (t === '') continue;
      if (t === 'no tainted modules') {
        understood = true;
        continue;
      }
      const f = fields(t);
      if (f[0] === 'NAME' && f[1] === 'TAINTS') {
        understood = true;
        continue;
      }
      if (crashMessage(line, ['mod'], diags)) continue;
      if (f.length === 2 && /^[\w-]{1,64}$/.test(f[0] as string) && /^[A-Z]{1,20}$/.test(f[1] as string)) {
        modules.push({ name: f[0] as string, taints: f[1] as string });
        continue;
      }
      diags.skip(i + 1, line, 'not a mod -t row');
    }
    if (!understood && modules.length === 0) noDataDiagnosis(diags, 'mod -t', text);
    return { model: { modules }, diagnostics: diags.finish() };
  });
}
