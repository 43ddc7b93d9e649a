/**
 * Dump text is hostile: the views and charts of issue 5 render it only as text. This guards the
 * rule at the source: no `{@html}` and no innerHTML / insertAdjacentHTML in these folders.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.ts';

const dirs = ['renderer/views/Slab', 'renderer/views/Zones', 'renderer/views/MemoryMap', 'renderer/views/PageFlags', 'renderer/views/Console', 'renderer/views/Panic', 'renderer/components/charts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(svelte|ts)$/.test(f) ? [p] : [];
  });
}

describe('views render dump text as text only', () => {
  const all = dirs.flatMap((d) => files(path.join(repoRoot, d)));

  it('finds the view sources', () => {
    expect(all.filter((f) => f.endsWith('.svelte')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(all.map((f) => [path.relative(repoRoot, f), f]))('%s has no raw-HTML sink', (_rel, f) => {
    const src = readFileSync(f, 'utf8');
    expect(src).not.toMatch(/\{@html/);
    expect(src).not.toMatch(/\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write/);
  });
});
