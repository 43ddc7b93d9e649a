/** The Log view's virtual list rows, on the fixtures' real `log` output parsed by the real parser. */
import { describe, expect, it } from 'vitest';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { LogModel } from '../../../electron/parse/models.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { blockOfRecords, foldLog, itemOfRecord, logItems, searchLog } from '../../../renderer/views/Log/log-blocks.ts';

const m = parseCommandOutput('log', transcript('oom-user-hog', 'log'))!.model as LogModel;
const truth = fixtureMeta('oom-user-hog').truth as { panic_message: string; oom: { invoker_comm: string } };
const segs = foldLog(m);
const oomK = segs.findIndex((s) => s.kind === 'oom');
const panicK = segs.findIndex((s) => s.kind === 'panic');

describe('logItems', () => {
  it('all blocks open: every record once, in order, each block header right before its first line', () => {
    const items = logItems(m.records, segs, { maxLevel: 7, open: () => true, hits: null });
    const lines = Array.from(items).filter((c) => c >= 0);
    expect(lines).toEqual(m.records.map((_, i) => i));
    const oomAt = items.indexOf(-(oomK + 1));
    expect(m.records[items[oomAt + 1]!]!.text).toContain(`${truth.oom.invoker_comm} invoked oom-killer`);
    expect(m.records[items[items.indexOf(-(panicK + 1)) + 1]!]!.text).toContain(truth.panic_message);
  });

  it('a folded block keeps its header and hides exactly its lines', () => {
    const all = logItems(m.records, segs, { maxLevel: 7, open: () => true, hits: null });
    const folded = logItems(m.records, segs, { maxLevel: 7, open: (k) => k !== oomK, hits: null });
    const oom = segs[oomK]!;
    expect(all.length - folded.length).toBe(oom.to - oom.from + 1);
    expect(folded).toContain(-(oomK + 1));
    expect(Array.from(folded).some((c) => c >= oom.from && c <= oom.to)).toBe(false);
  });

  it('a search lists only the matching records; itemOfRecord finds them', () => {
    const hits = searchLog(m.records, truth.panic_message);
    const items = logItems(m.records, segs, { maxLevel: 7, open: () => false, hits });
    expect(Array.from(items)).toEqual(hits);
    expect(itemOfRecord(items, hits[0]!)).toBe(0);
    expect(itemOfRecord(items, 0)).toBe(hits[0] === 0 ? 0 : -1);
  });

  it('itemOfRecord finds every listed record among block headers, and -1 for folded ones', () => {
    const items = logItems(m.records, segs, { maxLevel: 7, open: (k) => k !== oomK, hits: null });
    items.forEach((code, j) => {
      if (code >= 0) expect(itemOfRecord(items, code)).toBe(j);
    });
    expect(itemOfRecord(items, segs[oomK]!.from + 1)).toBe(-1);
  });

  it('blockOfRecords marks the records of each block', () => {
    const of = blockOfRecords(m.records.length, segs);
    const hit = searchLog(m.records, `${truth.oom.invoker_comm} invoked oom-killer`)[0]!;
    expect(of[hit]).toBe(oomK);
    expect(of[0]).toBe(-1);
  });
});
