/**
 * Inline SVG bar charts for the HTML report: plain shapes and escaped labels, no script and no
 * external font, so the report prints and reads offline.
 */
import { escapeHtml } from './escape.ts';

/** One bar. */
export interface Bar {
  label: string;
  value: number;
  /** Text shown after the bar (e.g. "271 MiB"). */
  valueText: string;
  /** Highlight (the culprit). */
  emphasis?: boolean;
}

/** A horizontal bar chart as an SVG element string. */
export function barChartSvg(title: string, bars: readonly Bar[], width = 720): string {
  const rowH = 22;
  const labelW = 260;
  const valueW = 90;
  const barW = width - labelW - valueW - 16;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * rowH + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, Math.round((b.value / max) * barW));
    const label = b.label.length > 40 ? `${b.label.slice(0, 39)}…` : b.label;
    return (
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" class="lbl">${escapeHtml(label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" class="${b.emphasis ? 'bar hot' : 'bar'}"/>` +
      `<text x="${labelW + w + 6}" y="${y + 15}" class="val">${escapeHtml(b.valueText)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%" class="chart"><title>${escapeHtml(title)}</title>${rows.join('')}</svg>`;
}
