/** What the result frame says when crash answers a command drgn answered first (hung-mutex-6.12's `ps` and `kmem -s`). */
import { describe, expect, it } from 'vitest';
import { engineDifference } from '../../../renderer/lib/engine-difference.ts';
import type { ResultRecord } from '../../../renderer/lib/db.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { PsModel } from '../../../electron/parse/models.ts';
import { transcript } from '../../support/fixtures.ts';

function record(command: string, model: unknown, engine: 'crash' | 'drgn'): ResultRecord {
  const parsed = parseCommandOutput(command, transcript('hung-mutex-6.12', command));
  return {
    fingerprint: 'f', command, raw: '', parsed: parsed && { ...parsed, model }, parserVersion: parsed?.parserVersion ?? null,
    crashVersion: engine === 'crash' ? '9.0.2' : null, engine, ...(engine === 'drgn' ? { engineVersion: '0.0.22' } : {}),
    at: 0, durationMs: 0, warnings: [], error: null, lastUsed: 0, bytes: 0,
  };
}

describe('engineDifference', () => {
  const ps = parseCommandOutput('ps', transcript('hung-mutex-6.12', 'ps'))?.model as PsModel;

  it('says the engines agree on the task count', () => {
    expect(engineDifference('ps', record('ps', ps, 'drgn'), record('ps', ps, 'crash'))).toEqual({ agree: true, text: `crash 9.0.2 and drgn 0.0.22 agree: ${ps.tasks.length} tasks.` });
  });

  it('shows a different count, never hides it', () => {
    const fewer = { tasks: ps.tasks.slice(1) };
    const d = engineDifference('ps', record('ps', fewer, 'drgn'), record('ps', ps, 'crash'));
    expect(d?.agree).toBe(false);
    expect(d?.text).toBe(`crash 9.0.2 lists ${ps.tasks.length} tasks; drgn 0.0.22 listed ${ps.tasks.length - 1} before crash was ready. Shown: crash's.`);
  });

  it('counts slab caches for kmem -s, and nothing for a command without rows to count', () => {
    const slab = parseCommandOutput('kmem -s', transcript('hung-mutex-6.12', 'kmem -s'))?.model;
    expect(engineDifference('kmem -s', record('kmem -s', slab, 'drgn'), record('kmem -s', slab, 'crash'))?.text).toMatch(/agree: \d+ slab caches\.$/);
    expect(engineDifference('kmem -i', record('kmem -i', {}, 'drgn'), record('kmem -i', {}, 'crash'))).toBeNull();
  });
});
