/**
 * The layering of electron/, enforced: every import (static, dynamic, type-only) points to the
 * same layer or one below it. The order is written once, here, and docs/ARCHITECTURE.md draws
 * it. The contract (electron/api/) is the ground and takes nothing from the project but itself
 * (and valibot); the composition root (electron/host/) is the only importer of the methods that
 * wire the domains into the Api.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.ts';

/** Low → high. Entries are folders of electron/ or files directly in it; one row is one layer. */
export const layers: readonly (readonly string[])[] = [
  ['api', 'version.ts', 'settings.ts', 'shipped-file.ts'], // the contract: schemas, wire shapes, error codes, shared result types
  ['transport'], // how a process is started: local child_process or ssh2
  ['parse'], // crash's text → models
  ['symbols'], // debug symbols by build-id
  ['crash', 'drgn'], // the engines: one process per open dump
  ['trace'], // ftrace / perf importers and links to the dump
  ['analyze'], // verdicts over the models
  ['dumpinfo'], // the dump's own facts and log, without crash
  ['report'], // HTML / Markdown / PDF / case bundles
  ['fleet'], // many dumps: triage --all, buckets
  ['doctor'], // what a host and a dump need
  ['host'], // the composition root: builds the services, registers every method
  ['serve'], // the browser's front door
  ['shell'], // Electron-only pieces
  ['main.ts', 'preload.ts'], // Electron's front door
  ['cli', 'cli.ts'], // the command line's front door
  ['bin'],
];

const electronDir = path.join(repoRoot, 'electron');

/** The layer index of a path relative to electron/, or -1 when no row names it. */
export function layerOf(rel: string): number {
  const head = rel.split('/')[0]!;
  return layers.findIndex((row) => row.includes(head));
}

/** Relative specifiers a source file imports: `from '…'`, `import('…')`, `import '…'`. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) out.push(m[2]!);
  return out;
}

/** Every import that runs up: "from → to (layer a < layer b)". */
export function violations(files: ReadonlyArray<{ rel: string; source: string }>): string[] {
  const out: string[] = [];
  for (const { rel, source } of files) {
    const from = layerOf(rel);
    for (const spec of importsOf(source)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      if (target.startsWith('..')) continue; // outside electron/ (none today)
      const to = layerOf(target);
      if (to > from) out.push(`${rel} → ${target} (layer ${layers[from]!.join('/')} imports ${layers[to]!.join('/')})`);
    }
  }
  return out;
}

function sources(): { rel: string; source: string }[] {
  const out: { rel: string; source: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(e.name)) out.push({ rel: path.relative(electronDir, p).split(path.sep).join('/'), source: readFileSync(p, 'utf8') });
    }
  };
  walk(electronDir);
  return out;
}

describe('electron/ layering', () => {
  const files = sources();

  it('places every folder and top-level file of electron/ in a layer', () => {
    const unplaced = [...new Set(files.map((f) => f.rel.split('/')[0]!))].filter((head) => layerOf(head) < 0);
    expect(unplaced).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    expect(violations(files)).toEqual([]);
  });

  it('keeps the contract on the ground: electron/api imports only itself and valibot', () => {
    const foreign = files
      .filter((f) => f.rel.startsWith('api/'))
      .flatMap((f) => [...f.source.matchAll(/\bfrom\s+(['"])([^'"]+)\1/g)].map((m) => ({ rel: f.rel, spec: m[2]! })))
      .filter(({ rel, spec }) => spec.startsWith('.') ? !path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)).startsWith('api/') : spec !== 'valibot')
      .map(({ rel, spec }) => `${rel} → ${spec}`);
    expect(foreign).toEqual([]);
  });

  it('lets only the composition root import the Api methods', () => {
    const importers = files.filter((f) => !f.rel.startsWith('host/') && importsOf(f.source).some((s) => path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), s)).startsWith('host/methods/')));
    expect(importers.map((f) => f.rel)).toEqual([]);
  });

  it('catches an import that runs up, type-only and dynamic ones too', () => {
    expect(violations([
      { rel: 'crash/session.ts', source: "import type { ApiContext } from '../host/methods/context.ts';" },
      { rel: 'parse/log.ts', source: "const m = await import('../analyze/triage.ts');" },
      { rel: 'analyze/triage.ts', source: "import { parseLog } from '../parse/log.ts';" },
    ])).toEqual([
      'crash/session.ts → host/methods/context.ts (layer crash/drgn imports host)',
      'parse/log.ts → analyze/triage.ts (layer parse imports analyze)',
    ]);
  });
});
