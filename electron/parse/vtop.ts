/**
 * `vtop [-c PID] ADDR...`: crash's virtual-to-physical translation, one block per address. A
 * block holds the page-table walk (PGD/P4D/PUD/PMD/PTE), the PTE decoded (or its swap location),
 * the VMA covering a user address, and for a present page the `PAGE PHYSICAL MAPPING INDEX CNT
 * FLAGS` row of its struct page (crash prints that header once per command, not per block).
 *
 * States as crash 8.0.6 prints them: a physical address (present), "(not mapped)" (no present
 * PTE; then possibly a swap location or the file and offset the page would be read from),
 * "(not accessible)" (no VMA of the task covers the address; always so for a kernel thread,
 * which has no mm), "(not a kernel virtual address)" and Xen's "(page not available)".
 *
 * Dump text is hostile: a mapped file's name may hold newlines. crash follows the VMA row with
 * a blank line, so lines up to that blank line continue the name rather than start a block;
 * and an address translated twice in one output is flagged (`duplicate`), never silently chosen.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PageRow } from './models.ts';

export const VTOP_PARSER_VERSION = 1;

/** Where an address stands according to crash. */
export type VtopState = 'present' | 'swapped' | 'not-mapped' | 'not-accessible' | 'not-kernel-address' | 'not-available';

/** One step of the page-table walk: "PMD: 56d2578 => b57d067" (entry address => entry value). */
export interface VtopWalkStep {
  /** PGD, P4D, PUD, PMD, PTE, or "PGD DIRECTORY" / "PAGE DIRECTORY" for kernel addresses. */
  level: string;
  /** Physical address of the entry; null for the directory lines, which carry one value. */
  entry: string | null;
  value: string;
}

/** The struct page row crash prints for a present page (the columns of a `kmem -p` row). */
export type VtopPage = Pick<PageRow, 'page' | 'physical' | 'mapping' | 'index' | 'count' | 'flags' | 'flagNames'>;

/** One address's translation. */
export interface VtopTranslation {
  /** The virtual address as crash printed it (hex, no 0x). */
  virtual: string;
  /** x86_64 convention: the upper half (bit 63 set) is kernel space. */
  space: 'user' | 'kernel';
  state: VtopState;
  /** Physical address of the byte (present pages only), hex as printed. */
  physical: string | null;
  /** Base of the mapping page ("PAGE:" line); for a huge page the start of the 2MB/1GB page. */
  pageBase: string | null;
  hugePage: '2MB' | '1GB' | null;
  zeroPage: boolean;
  walk: VtopWalkStep[];
  /** The final entry decoded: value, physical and crash's flag names (PRESENT, RW, USER...). */
  pte: { value: string; physical: string; flags: string[] } | null;
  /** Swap location of a not-present page: from the PTE's swap block or the "SWAP:" line. */
  swap: { device: string; offset: string } | null;
  /** File and offset a not-present page of a file mapping would be read from ("FILE:" line). */
  file: { path: string; offset: string } | null;
  /** The VMA covering a user address (file null for anonymous memory). */
  vma: { vma: string; start: string; end: string; flags: string; file: string | null } | null;
  page: VtopPage | null;
  /** The same virtual address was translated more than once in this output (see module doc). */
  duplicate: boolean;
}

/** `vtop` output. */
export interface VtopModel {
  translations: VtopTranslation[];
}

const HEX = /^[0-9a-f]{1,16}$/;
const STATES: Record<string, VtopState> = {
  '(not mapped)': 'not-mapped',
  '(not accessible)': 'not-accessible',
  '(not a kernel virtual address)': 'not-kernel-address',
  '(page not available)': 'not-available',
};
const WALK = /^ {0,8}(PGD|P4D|PUD|PMD|PTE): ([0-9a-f]{1,16}) => ([0-9a-f]{1,16})\s*$/;
const DIRECTORY = /^(PGD DIRECTORY|PAGE DIRECTORY): ([0-9a-f]{1,16})\s*$/;
const PAGE_LINE = /^ {0,8}PAGE: ([0-9a-f]{1,16})(?: +\((2MB|1GB)?(?:, )?(ZERO PAGE)?\))?\s*$/;
const PTE_FLAGS = /^\(([A-Z0-9_|]*)\)$/;
const OFFSET_SEP = '  OFFSET: ';

/** An empty VtopModel. */
export function emptyVtop(): VtopModel {
  return { translations: [] };
}

function newTranslation(virtual: string, rest: string): VtopTranslation {
  const state = STATES[rest] ?? 'present';
  return {
    virtual,
    space: virtual.length === 16 && parseInt(virtual[0] as string, 16) >= 8 ? 'kernel' : 'user',
    state,
    physical: state === 'present' ? rest : null,
    pageBase: null, hugePage: null, zeroPage: false, walk: [], pte: null, swap: null, file: null, vma: null, page: null, duplicate: false,
  };
}

/** "<path>  OFFSET: <n>" split at the last separator (a path may itself hold two spaces). */
function pathAndOffset(text: string): { path: string; offset: string } | null {
  const at = text.lastIndexOf(OFFSET_SEP);
  if (at < 0) return null;
  const offset = text.slice(at + OFFSET_SEP.length).trim();
  if (!/^[0-9a-f]{1,16}$/.test(offset)) return null;
  return { path: text.slice(0, at), offset };
}

function pageRow(f: string[]): VtopPage | null {
  if (f.length < 6 || ![0, 1, 2, 3, 5].every((k) => HEX.test(f[k] as string)) || !/^\d{1,10}$/.test(f[4] as string)) return null;
  return {
    page: f[0] as string, physical: f[1] as string, mapping: f[2] as string, index: f[3] as string, count: Number(f[4]),
    flags: f[5] as string, flagNames: f.slice(6).join(' ').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

/** Parse `vtop` output (one or several addresses, with or without `-c PID`). */
export function parseVtop(text: string): ParseResult<VtopModel> {
  return guarded('vtop', emptyVtop, () => {
    const diags = new Diagnostics('vtop');
    const model = emptyVtop();
    let cur: VtopTranslation | null = null;
    // What the previous line announced: the block's address line, a PTE row, a swap row, a VMA row.
    let expect: 'none' | 'virtual' | 'pte' | 'swap-pte' | 'vma' | 'vma-file' | 'file' | 'swap' = 'none';
    let pendingText = '';
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const blank = line.trim() === '';
      // A mapped file's name continues until crash's blank line after the VMA row.
      if (expect === 'vma-file') {
        if (blank) expect = 'none';
        else if (cur?.vma) cur.vma.file = `${cur.vma.file ?? ''}\n${line}`;
        continue;
      }
      // A FILE:/SWAP: path with a newline: collect until the OFFSET part arrives.
      if ((expect === 'file' || expect === 'swap') && cur) {
        pendingText += `\n${line}`;
        const po = pathAndOffset(pendingText);
        if (po) {
          if (expect === 'file') cur.file = po;
          else cur.swap = { device: po.path, offset: po.offset };
          expect = 'none';
        }
        continue;
      }
      if (blank) continue;
      const f = fields(line);
      if (f[0] === 'VIRTUAL' && f[1] === 'PHYSICAL' && f.length === 2) {
        expect = 'virtual';
        continue;
      }
      if (expect === 'virtual') {
        expect = 'none';
        const m = /^([0-9a-f]{1,16}) +(.+?)\s*$/.exec(line);
        const rest = m?.[2] ?? '';
        if (m && (HEX.test(rest) || rest in STATES)) {
          cur = newTranslation(m[1] as string, rest);
          model.translations.push(cur);
        } else {
          cur = null;
          diags.skip(i + 1, line, 'not a vtop address line');
        }
        continue;
      }
      if (crashMessage(line, ['vtop'], diags)) continue;
      if (!cur) {
        diags.skip(i + 1, line, 'outside any address block');
        continue;
      }
      if (expect === 'pte') {
        expect = 'none';
        const flags = PTE_FLAGS.exec(f[2] ?? '');
        if (f.length === 3 && HEX.test(f[0] as string) && HEX.test(f[1] as string) && flags) {
          cur.pte = { value: f[0] as string, physical: f[1] as string, flags: (flags[1] as string).split('|').filter(Boolean) };
        } else {
          diags.skip(i + 1, line, 'not a PTE row');
        }
        continue;
      }
      if (expect === 'swap-pte') {
        expect = 'none';
        // "<pte>  <swap device>  <offset>": the device is a path and may hold spaces.
        if (f.length >= 3 && HEX.test(f[0] as string) && /^\d{1,20}$/.test(f[f.length - 1] as string)) {
          cur.swap = { device: f.slice(1, -1).join(' '), offset: f[f.length - 1] as string };
          cur.state = 'swapped';
        } else {
          diags.skip(i + 1, line, 'not a PTE swap row');
        }
        continue;
      }
      if (expect === 'vma') {
        // "ffff888005669260     400000     401000 8000071 /usr/local/bin/ingestd"
        const m = /^ *([0-9a-f]{1,16}) +([0-9a-f]{1,16}) +([0-9a-f]{1,16}) +([0-9a-f]{1,16}) ?(.*)$/.exec(line);
        if (m) {
          cur.vma = { vma: m[1] as string, start: m[2] as string, end: m[3] as string, flags: m[4] as string, file: (m[5] as string).trim() === '' ? null : (m[5] as string).replace(/^ +/, '') };
          expect = 'vma-file';
        } else {
          expect = 'none';
          diags.skip(i + 1, line, 'not a VMA row');
        }
        continue;
      }
      const walk = WALK.exec(line);
      if (walk) {
        cur.walk.push({ level: walk[1] as string, entry: walk[2] as string, value: walk[3] as string });
        continue;
      }
      const dir = DIRECTORY.exec(line);
      if (dir) {
        cur.walk.push({ level: dir[1] as string, entry: null, value: dir[2] as string });
        continue;
      }
      const pg = PAGE_LINE.exec(line);
      if (pg) {
        cur.pageBase = pg[1] as string;
        cur.hugePage = (pg[2] as '2MB' | '1GB' | undefined) ?? null;
        cur.zeroPage = pg[3] !== undefined;
        continue;
      }
      if (f[0] === 'PTE' && f[1] === 'PHYSICAL' && f[2] === 'FLAGS' && f.length === 3) {
        expect = 'pte';
        continue;
      }
      if (f[0] === 'PTE' && f[1] === 'SWAP' && f[2] === 'OFFSET' && f.length === 3) {
        expect = 'swap-pte';
        continue;
      }
      if (f.join(' ') === 'VMA START END FLAGS FILE') {
        expect = 'vma';
        continue;
      }
      if (f.join(' ') === 'PAGE PHYSICAL MAPPING INDEX CNT FLAGS') continue;
      if (line.startsWith('FILE: ') || line.startsWith('SWAP: ')) {
        const kind = line.startsWith('FILE: ') ? 'file' : 'swap';
        pendingText = line.slice(6);
        const po = pathAndOffset(pendingText);
        if (!po) expect = kind;
        else if (kind === 'file') cur.file = po;
        else cur.swap = { device: po.path, offset: po.offset };
        if (kind === 'swap' && cur.state === 'not-mapped') cur.state = 'swapped';
        continue;
      }
      const row = pageRow(f);
      if (row && !cur.page) {
        cur.page = row;
        continue;
      }
      diags.skip(i + 1, line);
    }
    const seen = new Map<string, VtopTranslation>();
    for (const t of model.translations) {
      const prev = seen.get(t.virtual);
      if (prev) {
        prev.duplicate = true;
        t.duplicate = true;
        diags.add('duplicate-address', 'warning', `vtop: address ${t.virtual} appears more than once in the output; the samples of that address are not trusted`,
          'A mapped file name holding line breaks can make crash output look like an extra block; read the raw output.');
      } else seen.set(t.virtual, t);
    }
    if (model.translations.length === 0) noDataDiagnosis(diags, 'vtop', text);
    return { model, diagnostics: diags.finish() };
  });
}
