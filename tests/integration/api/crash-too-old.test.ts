/**
 * Debian bookworm's crash 8.0.2 on the 6.1 panic-sysrq fixture: the session opens, but crashdeck
 * must say the crash is too old (naming the version needed) and mark every output untrustworthy.
 * Expectations come from the fixtures README and transcripts-crash-8.0.2/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import { crash802, fixtureMeta, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

let api: ApiHost;
let info: SessionInfo;

beforeAll(async () => {
  api = createApi({ crashPath: crash802() });
  info = await api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath() });
  await api.call('session.run', { sessionId: info.id, command: { id: 'sys -t' } });
  info = await api.call('session.info', { sessionId: info.id });
});

afterAll(async () => {
  await api?.dispose();
});

describe('crash 8.0.2 on a 6.1 dump', () => {
  it('keeps the startup warning and diagnoses crash-too-old, naming the version needed', () => {
    expect(info.crashVersion).toBe('8.0.2');
    expect(info.startupWarnings.some((w) => /WARNING: active task \S+ on cpu \d+ not found in PID hash/.test(w))).toBe(true);
    const d = info.diagnoses.find((x) => x.code === 'crash-too-old');
    expect(d?.severity).toBe('error');
    expect(d?.message).toContain('8.0.2');
    expect(d?.message).toContain(fixtureMeta('panic-sysrq').kernel.release);
    expect(d?.hint).toMatch(/crash 8\.0\.4 or newer/);
  });

  it('marks ps as untrustworthy: it lists only the active tasks', async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'ps' } });
    expect(r.raw.trimEnd()).toBe(transcript('panic-sysrq', 'ps', '8.0.2').trimEnd());
    expect(r.diagnoses?.map((d) => d.code)).toContain('crash-too-old');
  });

  it("reports vm's invalid structure member offset as crash's error and as too old", async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'vm' } });
    expect(r.error).toContain('vm: invalid structure member offset: mm_struct_mmap');
    expect(r.diagnoses?.find((d) => d.code === 'crash-too-old')).toBeDefined();
  });
});

describe('crash 8.0.2 on a 6.12 dump (measured: it cannot start, "invalid structure member offset: module_core_size")', () => {
  it('fails as crash-too-old naming 8.0.6 and the install command, without the degraded-mode retries', async () => {
    const api612 = createApi({ crashPath: crash802() });
    try {
      const opened = await api612.call('session.open', { vmcore: vmcorePath('oops-syscall-6.12'), vmlinux: vmlinuxPath('oops-syscall-6.12') });
      const err = await api612.call('session.run', { sessionId: opened.id, command: { id: 'sys' } }).then(() => null, (e: unknown) => e as { code?: string; message?: string; hint?: string });
      expect(err?.code).toBe('crash-too-old');
      expect(err?.message).toContain('crash 8.0.2 is too old for kernel ' + fixtureMeta('oops-syscall-6.12').kernel.release);
      expect(err?.message).toContain('module_core_size');
      expect(err?.hint).toContain('needs crash 8.0.6 or newer');
      expect(err?.hint).toContain('bash native-tools/install-crash.sh');
      const after = await api612.call('session.info', { sessionId: opened.id });
      expect(after.state).toBe('failed');
      expect(after.degraded).toBeNull();
    } finally {
      await api612.dispose();
    }
  });
});
