/**
 * Scroll geometry of the virtual table: lists far taller than a browser lets an element be must
 * still show every row, exactly placed, with Home/End/arrows reaching the first and last rows.
 */
import { describe, expect, it } from 'vitest';
import { maxScrollHeight, rowWindow, scrollForRow, scrollMap, toReal, toVirtual, type ScrollShape } from '../../../renderer/components/virtual-scroll.ts';

const rowHeight = 26;
const viewport = 448;

/** Where row i is drawn (real y inside the scrolled body) when the body is scrolled to `real`. */
function rowY(shape: ScrollShape, real: number, i: number): number | null {
  const m = scrollMap(shape);
  const w = rowWindow(shape, m, real, 10);
  return i >= w.start && i < w.end ? w.topPad + (i - w.start) * rowHeight : null;
}

describe('scrollMap', () => {
  it('leaves a list that fits under the cap as it is (1:1, body = all rows)', () => {
    const shape = { count: 100_000, rowHeight, viewport };
    const m = scrollMap(shape);
    expect(m.scaled).toBe(false);
    expect(m.body).toBe(100_000 * rowHeight);
    for (const r of [0, 1, 12_345, m.realMax]) expect(toVirtual(m, r)).toBe(r);
  });

  it('caps 2,000,000 rows (52M px, over Chromium\'s 33.5M px limit) and still maps the ends to the first and last rows', () => {
    const shape = { count: 2_000_000, rowHeight, viewport };
    const m = scrollMap(shape);
    expect(m.scaled).toBe(true);
    expect(m.body).toBe(maxScrollHeight);
    expect(m.body).toBeLessThan(33_554_432);
    expect(toVirtual(m, 0)).toBe(0);
    expect(toVirtual(m, m.realMax)).toBe(2_000_000 * rowHeight - viewport);
    // The middle of the scrollbar is the middle of the list.
    expect(toVirtual(m, m.realMax / 2)).toBeCloseTo((2_000_000 * rowHeight - viewport) / 2, 3);
  });

  it('is monotonic and toReal inverts toVirtual', () => {
    const m = scrollMap({ count: 3_000_000, rowHeight, viewport });
    let last = -1;
    for (let r = 0; r <= m.realMax; r += 9973) {
      const v = toVirtual(m, r);
      expect(v).toBeGreaterThan(last);
      expect(toReal(m, v)).toBeCloseTo(r, 6);
      last = v;
    }
  });
});

describe('rowWindow', () => {
  it.each([1_000, 100_000, 2_000_000, 50_000_000])('%i rows: the viewport is always covered by contiguous rows, and the body keeps one height', (count) => {
    const shape = { count, rowHeight, viewport };
    const m = scrollMap(shape);
    const offsets = [0, 1, 13, rowHeight * 3 + 5, m.edge - 1, m.edge, m.edge + 1, m.realMax / 3, m.realMax / 2, m.realMax - m.edge, m.realMax - 7, m.realMax].map(Math.round).filter((r) => r >= 0 && r <= m.realMax);
    for (const real of offsets) {
      const w = rowWindow(shape, m, real, 10);
      expect(w.topPad).toBeGreaterThanOrEqual(0);
      expect(w.topPad + (w.end - w.start) * rowHeight + w.bottomPad).toBeCloseTo(m.body, 6);
      // Rows from the top of the viewport to its bottom are rendered (the viewport is [real, real + viewport]).
      expect(w.topPad).toBeLessThanOrEqual(real);
      if (w.end < count) expect(w.topPad + (w.end - w.start) * rowHeight).toBeGreaterThanOrEqual(real + viewport);
      // The row at the viewport's top is the one the virtual offset names.
      const first = Math.floor(toVirtual(m, real) / rowHeight);
      expect(first).toBeGreaterThanOrEqual(w.start);
      expect(first).toBeLessThan(Math.max(w.end, w.start + 1));
    }
  });

  it('at the very bottom the last row ends exactly at the bottom of the viewport; at the top row 0 starts at 0', () => {
    for (const count of [2_000_000, 600_000, 1_000]) {
      const shape = { count, rowHeight, viewport };
      const m = scrollMap(shape);
      expect(rowY(shape, m.realMax, count - 1)! + rowHeight).toBeCloseTo(m.realMax + viewport, 6);
      expect(rowY(shape, 0, 0)).toBe(0);
    }
  });
});

describe('scrollForRow', () => {
  it('brings any row of 2,000,000 fully into view, from anywhere (End, Home, PageDown after a jump)', () => {
    const shape = { count: 2_000_000, rowHeight, viewport };
    const m = scrollMap(shape);
    const rows = [0, 1, 17, 1_000_000, 1_000_017, 1_234_567, 1_999_980, 1_999_999];
    for (const from of [0, Math.round(m.realMax / 2), m.realMax]) {
      for (const i of rows) {
        const real = scrollForRow(shape, m, from, i);
        expect(Number.isInteger(real)).toBe(true);
        const y = rowY(shape, real, i);
        expect(y, `row ${i} from ${from}`).not.toBeNull();
        expect(y!).toBeGreaterThanOrEqual(real - 1e-6);
        expect(y! + rowHeight).toBeLessThanOrEqual(real + viewport + 1e-6);
      }
    }
  });

  it('does not move when the row is already in view', () => {
    const shape = { count: 2_000_000, rowHeight, viewport };
    const m = scrollMap(shape);
    const real = Math.round(m.realMax / 2);
    const first = Math.ceil(toVirtual(m, real) / rowHeight);
    expect(scrollForRow(shape, m, real, first + 2)).toBe(real);
  });
});
