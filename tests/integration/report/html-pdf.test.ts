/**
 * The exported HTML in a real Chromium (playwright-core, the system /usr/bin/chromium): it makes
 * no request besides the file itself, runs no script from dump text (SYNTHETIC hostile process
 * names swapped into real `ps` output), and shows those names as text. The PDF printed by
 * headless Chromium holds the verdict (read back with pdftotext).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCase } from '../../../electron/report/export.ts';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { fixtureMeta } from '../../support/fixtures.ts';
import { fixtureCompleteness } from '../../support/transcripts.ts';
import { chromiumArgs, chromiumPath } from '../../e2e/chromium.ts';
import { caseFromTranscripts, hostileNames, note } from '../../unit/report/case-from-transcripts.ts';

let dir: string;
let browser: Browser;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-html-'));
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('exported HTML in Chromium', () => {
  it('makes no network request, runs no script from dump text and shows hostile names as text', async () => {
    const c = caseFromTranscripts('oom-slab-leak', {
      hostile: true,
      annotations: [note({ view: 'processes', rowKey: '154', text: 'note with <img src=x onerror=window.__pwned=3> and ![i](http://127.0.0.1:9/x.png)', tag: 'suspect' })],
    });
    const file = path.join(dir, 'hostile.html');
    await writeFile(file, renderHtmlReport(c));
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await context.route('**/*', async (route) => {
      // Anything but the report file itself would be a leak; let the file load, refuse the rest.
      if (route.request().url() === pathToFileURL(file).href) await route.continue();
      else await route.abort();
    });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Open every folded raw output, so the hostile ps text is rendered too.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    await page.waitForTimeout(300);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('script, img, iframe, object, embed, link').length)).toBe(0);
    const text = await page.evaluate(() => document.body.innerText);
    for (const name of hostileNames) expect(text).toContain(name);
    expect(text).toContain('note with <img src=x onerror=window.__pwned=3>');
    // The verdict and an inline SVG chart are there.
    expect(text).toContain(`OOM: slab — ${(fixtureMeta('oom-slab-leak').truth as unknown as { oom: { unreclaimable_slab_top: Array<{ cache: string }> } }).oom.unreclaimable_slab_top[0]!.cache}`);
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('prints to a PDF whose text holds the verdict and the panic message', async () => {
    const truth = fixtureMeta('oom-slab-leak').truth as unknown as { panic_message: string; oom: { unreclaimable_slab_top: Array<{ cache: string }> } };
    const c = caseFromTranscripts('oom-slab-leak', { annotations: [note({ view: 'slab', rowKey: 'bufpool_entry', text: 'leaks in bufpool_refill', tag: 'root-cause' })] });
    const pdf = await exportCase(c, 'pdf', { chromium: chromiumPath });
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(dir, 'report.pdf');
    await writeFile(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(`Verdict. OOM: slab — ${truth.oom.unreclaimable_slab_top[0]!.cache}`);
    expect(text).toContain(truth.panic_message);
    expect(text).toContain('leaks in bufpool_refill');
  });

  it('the incomplete dump: the PDF says so first, before the summary; a complete dump\'s PDF does not', async () => {
    const s = 'oops-syscall-6.12-mdf172' as const;
    const inc = (fixtureMeta(s).truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;
    const c = caseFromTranscripts(s);
    c.dump.completeness = fixtureCompleteness(s);
    const pdf = await exportCase(c, 'pdf', { chromium: chromiumPath });
    const file = path.join(dir, 'incomplete.pdf');
    await writeFile(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const warn = text.indexOf(`Incomplete dump: ${inc.crash_ps_tasks} of ${inc.tasks_in_kernel} tasks.`);
    expect(warn).toBeGreaterThan(0);
    expect(warn).toBeLessThan(text.indexOf('Summary'));
    const complete = caseFromTranscripts('oops-syscall-6.12');
    complete.dump.completeness = fixtureCompleteness('oops-syscall-6.12');
    const html = renderHtmlReport(complete);
    expect(html).not.toContain('Incomplete dump');
  });
});
