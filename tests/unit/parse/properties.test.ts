/**
 * Property tests over every parser: hostile, truncated, shuffled and garbled input never throws,
 * always yields a contract-valid Parsed, and what was dropped is said in diagnostics.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ParsedSchema } from '../../../electron/api/contract.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { transcript } from '../../support/fixtures.ts';

/** Every parsed command with a real transcript to mutate (crash 8.0.6, the OOM slab scenario). */
const SAMPLES = [
  'sys', 'sys -t', 'log', 'bt', 'bt -a', 'foreach bt', 'ps', 'ps -G', 'kmem -i', 'kmem -s', 'kmem -z', 'kmem -f',
  'kmem -V', 'kmem -g', 'kmem -p 0x1000000', 'vm', 'vm 154', 'mod', 'mod -t',
].map((command) => ({ command, text: transcript('oom-slab-leak', command) })).concat(
  // Real crash output on a 6.12 dump (no transcript of these commands): tests/unit/parse/samples.
  [['ps -m', 'ps-m-hung-mutex-6.12-crash-8.0.6.txt'], ['ps -l', 'ps-l-hung-mutex-6.12-crash-8.0.6.txt'], ['ps -S', 'ps-S-hung-mutex-6.12-crash-8.0.6.txt'],
    ['bt -F 307', 'bt-F-307-hung-mutex-6.12-crash-9.0.2.txt'], ['struct mutex.owner qdrv_cfg_mutex', 'struct-mutex-owner-hung-mutex-6.12-crash-9.0.2.txt'],
    ['sym 0xffffffffc02140e5', 'sym-code-oops-syscall-6.12-crash-9.0.2.txt'], ['mod -s qdrv /x/qdrv.ko', 'mod-s-oops-syscall-6.12-crash-9.0.2.txt']]
    .map(([command, file]) => ({ command: command as string, text: readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples', file as string), 'utf8') })),
  // mod on 6.4+ kernels heads the base column TEXT_BASE.
  [{ command: 'mod', text: transcript('oops-syscall-6.12', 'mod') }],
);

/** Table parsers whose rows do not depend on line order: the rows of each model. */
const ROWS: Record<string, (m: never) => unknown[]> = {
  'ps': (m: { tasks: unknown[] }) => m.tasks,
  'ps -G': (m: { tasks: unknown[] }) => m.tasks,
  'kmem -s': (m: { caches: unknown[] }) => m.caches,
  'kmem -i': (m: { rows: unknown[] }) => m.rows,
  'kmem -g': (m: { flags: unknown[] }) => m.flags,
  'mod': (m: { modules: unknown[] }) => m.modules,
  'ps -m': (m: { tasks: unknown[] }) => m.tasks,
  'ps -l': (m: { tasks: unknown[] }) => m.tasks,
}; // (ps -S sums counts per state: a garbled row changes a count, not a row.)

function parseChecked(command: string, text: string): v.InferOutput<typeof ParsedSchema> {
  const parsed = parseCommandOutput(command, text);
  expect(parsed).not.toBeNull();
  const ok = v.safeParse(ParsedSchema, parsed);
  expect(ok.success).toBe(true);
  const p = parsed as v.InferOutput<typeof ParsedSchema>;
  expect(p.diagnostics.map((d) => d.code)).not.toContain('internal-error');
  // garbage cannot flood the UI with diagnostics
  expect(p.diagnostics.length).toBeLessThanOrEqual(42);
  return p;
}

const sortedJson = (rows: unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

describe('properties: every parser', () => {
  it('arbitrary strings never throw and give a contract-valid result', () => {
    fc.assert(fc.property(
      fc.constantFrom(...SAMPLES.map((s) => s.command)),
      fc.oneof(fc.string({ unit: 'binary', maxLength: 3000 }), fc.string({ unit: 'grapheme-ascii', maxLength: 3000 })),
      (command, text) => {
        parseChecked(command, text);
      },
    ), { numRuns: 400 });
  });

  it('arbitrary mixes of real lines and junk never throw', () => {
    const allLines = SAMPLES.flatMap((s) => s.text.split('\n'));
    fc.assert(fc.property(
      fc.constantFrom(...SAMPLES.map((s) => s.command)),
      fc.array(fc.oneof(fc.constantFrom(...allLines), fc.string({ unit: 'grapheme-ascii', maxLength: 120 })), { maxLength: 200 }),
      (command, lines) => {
        parseChecked(command, lines.join('\n'));
      },
    ), { numRuns: 300 });
  });

  it('truncated transcripts never throw and never invent rows', () => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLES), fc.double({ min: 0, max: 1, noNaN: true }), ({ command, text }, at) => {
      const cut = text.slice(0, Math.floor(text.length * at));
      const p = parseChecked(command, cut);
      const rows = ROWS[command];
      if (rows) {
        const full = rows(parseChecked(command, text).model as never).length;
        expect(rows(p.model as never).length).toBeLessThanOrEqual(full);
      }
    }), { numRuns: 300 });
  });

  it('shuffled lines: table parsers read the same rows in any order; the rest do not throw', () => {
    fc.assert(fc.property(
      fc.constantFrom(...SAMPLES),
      fc.infiniteStream(fc.nat()),
      ({ command, text }, rand) => {
        const lines = text.split('\n');
        const it = rand[Symbol.iterator]();
        for (let i = lines.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
        }
        const p = parseChecked(command, lines.join('\n'));
        const rows = ROWS[command];
        if (rows) expect(sortedJson(rows(p.model as never))).toEqual(sortedJson(rows(parseChecked(command, text).model as never)));
      },
    ), { numRuns: 200 });
  });

  it('a garbled column either still parses or is named, by line number, in a diagnostic', () => {
    const tables = SAMPLES.filter((s) => ROWS[s.command]);
    fc.assert(fc.property(
      fc.constantFrom(...tables),
      fc.nat(),
      fc.nat(),
      fc.constantFrom('?', 'x', '-', '0x', '', '!!', 'ffffzz', '1.2.3'),
      ({ command, text }, lineSeed, colSeed, junk) => {
        const rows = ROWS[command] as (m: never) => unknown[];
        const before = rows(parseChecked(command, text).model as never).length;
        const lines = text.split('\n');
        const dataLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /\d/.test(l) && l.trim().split(/\s+/).length >= 3);
        const [line, idx] = dataLines[lineSeed % dataLines.length] as readonly [string, number];
        const cols = line.split(/(\s+)/);
        const tokenIdx = cols.map((c, i) => [c, i] as const).filter(([c]) => c.trim() !== '');
        const [, ci] = tokenIdx[colSeed % tokenIdx.length] as readonly [string, number];
        cols[ci] = junk;
        lines[idx] = cols.join('');
        const p = parseChecked(command, lines.join('\n'));
        const after = rows(p.model as never).length;
        expect(after).toBeGreaterThanOrEqual(before - 1);
        if (after < before) {
          const said = p.diagnostics.some((d) => d.message.includes(`line ${idx + 1}`) || d.code === 'slab-counts-unknown');
          expect(said, JSON.stringify(p.diagnostics)).toBe(true);
        }
      },
    ), { numRuns: 400 });
  });

  it('1 MB of garbage is parsed well within a second by every parser (generous bound; speed targets are in the bench)', () => {
    // Deterministic junk shaped like crash output: digits, hex, brackets, colons, long lines.
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = '0123456789abcdef ffff[]():=#>-.,?"PIDTASKCPUNODEZONE_kB\t';
    const parts: string[] = [];
    let size = 0;
    while (size < 1024 * 1024) {
      const len = rnd() < 0.02 ? 5000 : Math.floor(rnd() * 120);
      let line = '';
      for (let i = 0; i < len; i++) line += alphabet[Math.floor(rnd() * alphabet.length)];
      parts.push(line);
      size += len + 1;
    }
    // Long lines aimed at backtracking in line regexes.
    const nasty = [
      `PID: 1 TASK: ffff CPU: 1 COMMAND: "${'" '.repeat(2000)}`, 'A'.repeat(4000), `${' '.repeat(4000)}x`, 'NODE: 0  ZONE: 0 '.repeat(250),
      `[ 1.0] ${'x invoked oom-killer: '.repeat(150)}`, `Node 0 ${'a:1kB '.repeat(700)}`, `[${' '.repeat(3000)}`, '1*4kB (U) '.repeat(400),
    ];
    for (let i = 0; i < 40; i++) parts.push(...nasty);
    const garbage = parts.join('\n');
    for (const { command } of SAMPLES) {
      const t0 = performance.now();
      parseChecked(command, garbage);
      expect(performance.now() - t0, command).toBeLessThan(1000);
    }
  });
});
