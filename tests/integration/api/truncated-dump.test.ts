/**
 * A dump cut short while copying, opened through the Api: open flags it at once, crash runs the
 * fallback ladder in the background, the session ends 'failed' with dump-truncated and
 * session.run rejects with that error.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import { crash806, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

let api: ApiHost;
let dir: string;
const events: SessionInfo[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trunc-'));
  api = createApi({ crashPath: crash806() });
  api.events.subscribe((e, p) => e === 'session.state' && events.push(p as SessionInfo));
});

afterAll(async () => {
  await api?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('a truncated dump', () => {
  it('is flagged at open, then fails with dump-truncated after the fallback ladder', async () => {
    const cut = path.join(dir, 'vmcore');
    const src = openSync(vmcorePath('oom-user-hog'), 'r');
    const dst = openSync(cut, 'w');
    const buf = Buffer.alloc(3 * 1024 * 1024);
    writeSync(dst, buf, 0, readSync(src, buf, 0, buf.length, 0));
    closeSync(src);
    closeSync(dst);

    const info = await api.call('session.open', { vmcore: cut, vmlinux: vmlinuxPath() });
    expect(info.state).toBe('starting');
    expect(info.diagnoses.find((d) => d.code === 'dump-truncated')?.message).toMatch(/3145728 bytes but its header needs \d+/);

    await expect(api.call('session.run', { sessionId: info.id, command: { id: 'sys' } })).rejects.toMatchObject({ code: 'dump-truncated' });
    const after = await api.call('session.info', { sessionId: info.id });
    expect(after.state).toBe('failed');
    expect(after.message).toContain('truncated');
    expect(events.some((e) => e.state === 'failed')).toBe(true);
    expect(events.some((e) => e.message.includes('--minimal'))).toBe(true);
  });
});
