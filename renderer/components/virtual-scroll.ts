/**
 * Scroll geometry for virtual lists of fixed-height rows, including lists taller than a browser
 * lets an element be (Chromium caps heights near 33.5M px, Firefox near 17.9M: about 1.3M rows
 * of 26 px). Beyond `maxScrollHeight` the scrolled body keeps that height and the scroll
 * position maps to a row offset: 1:1 within `edgeZone` of the top and the bottom (so the first
 * and last rows scroll and sit exactly as in an unscaled list), proportionally in between.
 * Pure functions so the mapping is unit-tested without a browser.
 */

/** The tallest body we let the browser lay out; well under every engine's cap. */
export const maxScrollHeight = 10_000_000;

/** A list's shape: row count, row height and the visible body height (px, below any header). */
export interface ScrollShape {
  count: number;
  rowHeight: number;
  viewport: number;
}

/** The body's real height and the piecewise map between the real and the virtual scroll offset. */
export interface ScrollMap {
  /** Height to give the scrolled body (the true height, or the cap). */
  body: number;
  /** True height of all rows. */
  total: number;
  /** Largest real and virtual scroll offsets. */
  realMax: number;
  virtualMax: number;
  /** Length (px) of the 1:1 zone at each end; 0 when unscaled. */
  edge: number;
  /** Virtual px per real px in the middle zone; 1 when unscaled. */
  slope: number;
  scaled: boolean;
}

/** Build the map for a shape of fixed-height rows; `cap` is only lowered by tests. */
export function scrollMap(s: ScrollShape, cap = maxScrollHeight): ScrollMap {
  return heightMap(s.count * s.rowHeight, s.viewport, cap);
}

/** Build the map for content `total` px tall (rows of any heights) seen through `viewport` px. */
export function heightMap(total: number, viewportPx: number, cap = maxScrollHeight): ScrollMap {
  const viewport = Math.max(0, viewportPx);
  if (total <= cap) {
    const max = Math.max(0, total - viewport);
    return { body: total, total, realMax: max, virtualMax: max, edge: 0, slope: 1, scaled: false };
  }
  const realMax = Math.max(0, cap - viewport);
  const virtualMax = Math.max(0, total - viewport);
  // A few screens of exact scrolling at each end, never more than a quarter of the range.
  const edge = Math.min(Math.floor(realMax / 4), Math.max(viewport, 0) * 4);
  const slope = realMax - 2 * edge > 0 ? (virtualMax - 2 * edge) / (realMax - 2 * edge) : 1;
  return { body: cap, total, realMax, virtualMax, edge, slope, scaled: true };
}

/** The virtual offset (px into the true list) shown at real scroll offset `real`. */
export function toVirtual(m: ScrollMap, real: number): number {
  const r = Math.min(m.realMax, Math.max(0, real));
  if (!m.scaled) return r;
  if (r <= m.edge) return r;
  if (r >= m.realMax - m.edge) return m.virtualMax - (m.realMax - r);
  return m.edge + (r - m.edge) * m.slope;
}

/** The real scroll offset that shows virtual offset `virtual` (inverse of toVirtual, unrounded). */
export function toReal(m: ScrollMap, virtual: number): number {
  const v = Math.min(m.virtualMax, Math.max(0, virtual));
  if (!m.scaled) return v;
  if (v <= m.edge) return v;
  if (v >= m.virtualMax - m.edge) return m.realMax - (m.virtualMax - v);
  return m.edge + (v - m.edge) / m.slope;
}

/** Rows to render and where: [start, end) and the spacer heights above and below them. */
export interface RowWindow {
  start: number;
  end: number;
  topPad: number;
  bottomPad: number;
}

/**
 * The rows to render at real scroll offset `real`, with `overscan` rows either side. Each row i
 * sits at real y = real + i*rowHeight - toVirtual(real), so rows near the viewport are placed
 * exactly; rows that would start above the body's top are left out (only overscan rows can be).
 */
export function rowWindow(s: ScrollShape, m: ScrollMap, real: number, overscan: number): RowWindow {
  if (s.count === 0) return { start: 0, end: 0, topPad: 0, bottomPad: 0 };
  const r = Math.min(m.realMax, Math.max(0, real));
  const v = toVirtual(m, r);
  const shift = r - v; // real y of row 0
  let start = Math.max(0, Math.floor(v / s.rowHeight) - overscan);
  if (shift + start * s.rowHeight < 0) start = Math.ceil(-shift / s.rowHeight);
  let end = Math.min(s.count, Math.ceil((v + s.viewport) / s.rowHeight) + overscan);
  if (shift + end * s.rowHeight > m.body) end = Math.floor((m.body - shift) / s.rowHeight);
  end = Math.max(end, start);
  const topPad = shift + start * s.rowHeight;
  const bottomPad = Math.max(0, m.body - topPad - (end - start) * s.rowHeight);
  return { start, end, topPad, bottomPad };
}

/**
 * The real scroll offset that brings row `index` fully into view with as little movement as
 * possible from `real` (the current one), or `real` itself when it is already in view. Rounded
 * so the row stays fully visible on a whole-pixel scroll position.
 */
export function scrollForRow(s: ScrollShape, m: ScrollMap, real: number, index: number): number {
  const top = index * s.rowHeight;
  const v = toVirtual(m, real);
  if (top < v) return Math.min(m.realMax, Math.floor(toReal(m, top)));
  if (top + s.rowHeight > v + s.viewport) return Math.min(m.realMax, Math.ceil(toReal(m, top + s.rowHeight - s.viewport)));
  return real;
}

/**
 * For items of varying heights laid out by `offsets` (offsets[j] is item j's top, offsets[count]
 * the total height): the item at y, i.e. the last j with offsets[j] <= y, clamped to the items.
 */
export function itemAt(offsets: ArrayLike<number>, count: number, y: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}
