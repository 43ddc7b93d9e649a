/**
 * Dump text is hostile: a process name can be markup or terminal escape sequences. The text
 * renderer must not pass control characters to the terminal, the Markdown renderer must not let
 * a name become markup, and the JSON keeps the name exactly.
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderText } from '../../../electron/analyze/render.ts';
import { triage } from '../../../electron/analyze/triage.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { buildOomLog, x86Zones } from './synthetic-oom.ts';

const hostile = '<img src=x onerror=alert(1)>\u001b[2J|`x`';

describe('rendering hostile dump text', () => {
  const zones = x86Zones({ dmaFree: 3000, dma32Free: 2400, normalFree: 5800, normalKb: 5_000_000 });
  const text = buildOomLog({
    comm: 'x', pid: 900, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
    mem: { active_anon: 300_000, inactive_anon: 1_500_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 40_000, slab_unreclaimable: 30_000, mapped: 2000, shmem: 500, pagetables: 3000, free: 2800 },
    kernelStackKb: 12_000, zones, ramPages: 2_063_840, reservedPages: 60_000,
    tasks: [{ pid: 900, rss: 1_700_000, comm: hostile }, { pid: 901, rss: 1000, comm: 'sh' }],
    trace: ['__alloc_pages+0x305/0x330'],
    end: { kind: 'panic', mode: 'system-wide' },
  });
  const r = triage({ log: parseLog(text).model, logOnly: true });

  it('keeps the name exactly in the report, as data', () => {
    expect(r.oom?.culprit.name).toContain('<img src=x onerror=alert(1)>');
  });

  it('text output carries no control characters', () => {
    const out = renderText(r);
    expect([...out].some((ch) => { const c = ch.charCodeAt(0); return (c < 32 && c !== 10 && c !== 9) || (c >= 0x7f && c <= 0x9f); })).toBe(false);
    expect(out).toContain('<img src=x onerror=alert(1)>');
  });

  it('Markdown output escapes markup, pipes and backticks', () => {
    const md = renderMarkdown(r);
    expect(md).not.toMatch(/(^|[^\\])</m);
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(md.includes(String.fromCharCode(27))).toBe(false);
    for (const line of md.split('\n').filter((l) => l.includes('img'))) expect(line).not.toMatch(/[^\\]`x/);
  });
});
