/**
 * The OOM wizard's plain logic: evidence lands in the step it supports and links to the view
 * that shows its row; notes survive a reload and garbage in storage is ignored.
 */
import { describe, expect, it } from 'vitest';
import { triage } from '../../../electron/analyze/triage.ts';
import { evidenceHref, loadNotes, saveNotes, stepOf, steps } from '../../../renderer/views/OomWizard/wizard-model.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';

describe('OOM wizard model', () => {
  it('every step of the slab fixture has evidence, each linking to a view', () => {
    const r = triage(gatheredFromTranscripts('oom-slab-leak', [], [154]));
    const evidence = r.oom?.evidence ?? [];
    const byStep = new Set(evidence.map(stepOf));
    for (const s of steps) expect(byStep.has(s.id)).toBe(true);
    const slab = evidence.find((e) => e.command === 'kmem -s');
    expect(slab && evidenceHref(slab)).toBe('#/slab?row=bufpool_entry');
    const vm = evidence.find((e) => e.command.startsWith('vm '));
    expect(vm && evidenceHref(vm)).toBe('#/memory-map?pid=154');
  });

  it('notes round-trip through storage and hostile storage content is dropped', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveNotes(storage, 'fp1', { memory: { agree: false, note: 'slab grew after a driver update' } });
    expect(loadNotes(storage, 'fp1')).toEqual({ memory: { agree: false, note: 'slab grew after a driver update' } });
    expect(loadNotes(storage, 'other')).toEqual({});
    store.set('crashdeck.oom-wizard.fp2', '{"memory":{"agree":"yes","note":42},"__proto__":{"x":1}}');
    expect(loadNotes(storage, 'fp2')).toEqual({ memory: { agree: null, note: '' } });
    store.set('crashdeck.oom-wizard.fp3', 'not json');
    expect(loadNotes(storage, 'fp3')).toEqual({});
  });
});
