/**
 * The OOM wizard's plain logic: which commands it needs, its five steps, which evidence belongs
 * to which step, where each evidence item links to, and the user's notes per step. The verdict
 * itself is computed Node-side (analyze.triageRaw); nothing here decides it.
 */
import type { CommandId, GuidedCommand } from '../../../electron/api/contract.ts';

/** The commands the engine reads, in the order the wizard asks for them. */
export const wizardCommands: CommandId[] = ['sys', 'sys -t', 'bt', 'log', 'mod', 'mod -t', 'ps', 'kmem -i', 'kmem -z', 'kmem -f', 'kmem -s', 'kmem -V'];

export type StepId = 'confirm' | 'memory' | 'reclaim' | 'victim' | 'verdict';

export interface Step {
  id: StepId;
  title: string;
  question: string;
}

export const steps: readonly Step[] = [
  { id: 'confirm', title: 'Confirm the OOM', question: 'Did the kernel run out of memory, who asked, and for what?' },
  { id: 'memory', title: 'Where memory went', question: 'Which kind of memory filled the machine?' },
  { id: 'reclaim', title: 'Was memory really free?', question: 'Was the free memory in zones this allocation may use, above their watermarks, and could more have been reclaimed?' },
  { id: 'victim', title: 'Who would be killed', question: 'Whom did (or would) the OOM killer choose, and why?' },
  { id: 'verdict', title: 'Verdict', question: 'What ate the memory, how sure is it, and what to check next?' },
];

type Evidence = { command: string; row: string; detail: string };

/** Which step an evidence item supports. */
export function stepOf(e: Evidence): StepId {
  const d = e.detail;
  if (/invoked the OOM killer|panic_on_oom|constraint /.test(d)) return 'confirm';
  if (e.command === 'kmem -z' || e.command === 'kmem -f' || /watermark|not usable by this (?:gfp|request)/.test(d)) return 'reclaim';
  if (/oom_badness|^killed /.test(d)) return 'victim';
  if (e.command === 'log' && e.row === 'Mem-Info') return 'memory';
  return 'verdict';
}

/** The guided view that shows an evidence item's row (URL hash), or null when none does. */
export function evidenceHref(e: Evidence): string | null {
  const q = `?row=${encodeURIComponent(e.row)}`;
  if (e.command === 'log') return `#/log${q}`;
  if (e.command === 'kmem -s') return `#/slab${q}`;
  if (e.command === 'kmem -z' || e.command === 'kmem -f') return `#/zones${q}`;
  if (e.command === 'ps') return `#/processes${q}`;
  if (e.command.startsWith('vm ')) return `#/memory-map?pid=${encodeURIComponent(e.command.slice(3))}`;
  if (e.command === 'trace') return '#/traces';
  if (['sys', 'sys -t', 'bt', 'mod', 'mod -t', 'kmem -i', 'kmem -V'].includes(e.command)) return '#/overview';
  return null;
}

/** A guided command for an id (the wizard never sends free text). */
export function guided(id: CommandId): GuidedCommand {
  return { id };
}

/** The user's stance and note on one step. */
export interface StepNote {
  agree: boolean | null;
  note: string;
}

const key = (fingerprint: string): string => `crashdeck.oom-wizard.${fingerprint}`;

/** Notes saved for a dump (localStorage; survives reloads and crash stopping). */
export function loadNotes(storage: Pick<Storage, 'getItem'> | null, fingerprint: string): Partial<Record<StepId, StepNote>> {
  try {
    const raw = storage?.getItem(key(fingerprint));
    if (!raw) return {};
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Partial<Record<StepId, StepNote>> = {};
    for (const s of steps) {
      const n = (parsed as Record<string, unknown>)[s.id] as Partial<StepNote> | undefined;
      if (n && typeof n === 'object') out[s.id] = { agree: typeof n.agree === 'boolean' ? n.agree : null, note: typeof n.note === 'string' ? n.note.slice(0, 10_000) : '' };
    }
    return out;
  } catch {
    return {};
  }
}

export function saveNotes(storage: Pick<Storage, 'setItem'> | null, fingerprint: string, notes: Partial<Record<StepId, StepNote>>): void {
  try {
    storage?.setItem(key(fingerprint), JSON.stringify(notes));
  } catch {
    // Storage full or disabled: notes stay for this page only.
  }
}

/** Bytes for humans (binary units). */
export function bytesText(b: number | null | undefined): string {
  if (b === null || b === undefined) return '?';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${u[i]}`;
}
