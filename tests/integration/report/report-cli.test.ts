/**
 * `crashdeck report` end to end with real crash 8.0.6: a vmcore becomes a .crashcase (the triage
 * and view commands recorded), which then opens without crash — the case session answers the
 * same outputs, triage over it gives the verdict meta.json names — and re-exports as a PDF and
 * Markdown from the case alone. Bad input exits with the documented codes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { SysModel } from '../../../electron/parse/models.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { runCrashdeck as cli } from '../../support/cli.ts';
import { crash806, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { rawZip, minimalCaseEntries } from '../../unit/report/raw-zip.ts';


const truth = fixtureMeta('panic-sysrq').truth as unknown as { panic_message: string; panic_task: { pid: number; comm: string } };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-report-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crashdeck report', () => {
  it('vmcore -> .crashcase -> read-only session with the same outputs and the true verdict -> PDF and Markdown without crash', async () => {
    const casePath = path.join(dir, 'sysrq.crashcase');
    const made = await cli(['report', vmcorePath('panic-sysrq'), '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--format', 'case', '-o', casePath]);
    expect(made.code, made.stderr).toBe(0);
    const bundle = await readCaseBundle(await readFile(casePath));
    expect(bundle.manifest.schema).toBe('crashdeck.case/1');
    expect(bundle.dump.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
    // No local directories leak into the case.
    expect(bundle.dump.vmcoreName).toBe('vmcore');
    expect(JSON.stringify(bundle.dump)).not.toContain(path.dirname(vmcorePath('panic-sysrq')));
    expect(bundle.triage?.panic.task).toEqual({ pid: truth.panic_task.pid, comm: truth.panic_task.comm });
    const sys = bundle.results.find((r) => r.command === 'sys');
    expect((sys?.parsed?.model as SysModel).release).toBe(fixtureMeta('panic-sysrq').kernel.release);

    const api = createApi({ crashPath: '/nonexistent/crash' });
    try {
      const info = await api.call('case.open', { path: casePath });
      for (const r of bundle.results.filter((x) => ['sys', 'bt', 'log', 'ps', 'kmem -s'].includes(x.command))) {
        const got = await api.call('session.console', { sessionId: info.id, line: r.command });
        expect(got.raw).toBe(r.raw);
      }
      const t = await api.call('analyze.triage', { sessionId: info.id });
      expect(t.dump.panicMessage).toContain(truth.panic_message);
      expect(t.panic).toEqual(bundle.triage?.panic);
    } finally {
      await api.dispose();
    }

    const pdfPath = path.join(dir, 'sysrq.pdf');
    const pdf = await cli(['report', casePath, '-o', pdfPath]);
    expect(pdf.code, pdf.stderr).toBe(0);
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(truth.panic_message);
    const md = await cli(['report', casePath, '--format', 'md', '-o', '-']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(truth.panic_message);
  });

  it('exits 2 on usage errors and 3 on a refused bundle, saying why', async () => {
    expect((await cli(['report', 'x.crashcase'])).code).toBe(2);
    expect((await cli(['report', 'x.crashcase', '--format', 'docx', '-o', 'y'])).code).toBe(2);
    const evil = path.join(dir, 'evil.crashcase');
    await writeFile(evil, rawZip([...minimalCaseEntries(), { name: '../evil', data: Buffer.from('x') }]));
    const r = await cli(['report', evil, '-o', path.join(dir, 'out.html')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('climbs out of the bundle');
    expect(r.stderr).toContain('[bad-case]');
  });
});
