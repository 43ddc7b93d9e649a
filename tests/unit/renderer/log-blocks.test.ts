/** Log folding on the fixtures' real `log` output, parsed by the real parser. */
import { describe, expect, it } from 'vitest';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { LogModel } from '../../../electron/parse/models.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { foldLog, highlightParts, searchLog } from '../../../renderer/views/Log/log-blocks.ts';

function logOf(s: 'panic-sysrq' | 'oom-user-hog' | 'oom-slab-leak'): LogModel {
  return parseCommandOutput('log', transcript(s, 'log'))!.model as LogModel;
}

describe('foldLog', () => {
  it('covers every record exactly once, in order', () => {
    for (const s of ['panic-sysrq', 'oom-user-hog', 'oom-slab-leak'] as const) {
      const m = logOf(s);
      const segs = foldLog(m);
      let next = 0;
      for (const seg of segs) {
        expect(seg.from).toBe(next);
        expect(seg.to).toBeGreaterThanOrEqual(seg.from);
        next = seg.to + 1;
      }
      expect(next).toBe(m.records.length);
    }
  });

  it('oom-user-hog: one OOM block that holds the invoker line and ends where the panic block starts', () => {
    const m = logOf('oom-user-hog');
    const truth = fixtureMeta('oom-user-hog').truth as { oom: { invoker_comm: string }; panic_message: string };
    const segs = foldLog(m);
    const oom = segs.filter((x) => x.kind === 'oom');
    const panic = segs.filter((x) => x.kind === 'panic');
    expect(oom).toHaveLength(1);
    expect(panic).toHaveLength(1);
    expect(m.records[oom[0]!.from]!.text).toContain(`${truth.oom.invoker_comm} invoked oom-killer`);
    const oomText = m.records.slice(oom[0]!.from, oom[0]!.to + 1).map((r) => r.text).join('\n');
    expect(oomText).toContain('Mem-Info');
    expect(oomText).not.toContain('Kernel panic');
    expect(m.records[panic[0]!.from]!.text).toContain(truth.panic_message);
  });

  it('panic-sysrq: no OOM block, the panic block starts at the panic line', () => {
    const m = logOf('panic-sysrq');
    const segs = foldLog(m);
    expect(segs.some((x) => x.kind === 'oom')).toBe(false);
    const p = segs.find((x) => x.kind === 'panic')!;
    expect(m.records[p.from]!.text).toBe(`Kernel panic - not syncing: ${fixtureMeta('panic-sysrq').truth.panic_message}`);
  });

  it('ends a block when the log goes quiet, so later unrelated lines stay outside', () => {
    const rec = (t: number, text: string) => ({ timestamp: t, level: null, text, line: 0 });
    const m = { records: [rec(1, 'a'), rec(5, 'report'), rec(5.01, 'detail'), rec(60, 'much later')], oomReports: [], oopses: [], panics: [{ recordIndex: 1 }], hungTasks: [], softLockups: [] } as unknown as LogModel;
    expect(foldLog(m).map((s) => [s.kind, s.from, s.to])).toEqual([
      ['lines', 0, 0],
      ['panic', 1, 2],
      ['lines', 3, 3],
    ]);
  });
});

describe('search', () => {
  it('finds the panic line case-insensitively and splits it for highlighting', () => {
    const m = logOf('panic-sysrq');
    const hits = searchLog(m.records, 'SYSRQ TRIGGERED');
    expect(hits.length).toBeGreaterThan(0);
    const parts = highlightParts(m.records[hits[0]!]!.text, 'sysrq triggered');
    expect(parts.filter((p) => p.match).map((p) => p.text.toLowerCase())).toEqual(['sysrq triggered']);
    expect(parts.map((p) => p.text).join('')).toBe(m.records[hits[0]!]!.text);
  });
});
