/** Shared helpers for the crash integration tests. */
import { LocalTransport } from '../../../electron/transport/local.ts';
import { CrashSession, type CrashSessionOptions } from '../../../electron/crash/session.ts';
import { crash806, vmlinuxPath, vmcorePath, type Scenario } from '../../support/fixtures.ts';

/** Output lines to compare with a transcript: the KERNEL/DUMPFILE lines name the generating machine's paths. */
export function contentLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => !/^\s*(KERNEL|DUMPFILE): /.test(l))
    .filter((l, i, all) => l !== '' || i < all.length - 1);
}

/** A CrashSession on a fixture with crash 8.0.6 (not started). */
export function fixtureSession(scenario: Scenario, extra: Partial<CrashSessionOptions> = {}): CrashSession {
  return new CrashSession({
    transport: new LocalTransport(),
    crashPath: crash806(),
    vmcore: vmcorePath(scenario),
    vmlinux: vmlinuxPath(),
    crashVersion: '8.0.6',
    release: '6.1.0-56-cloud-amd64',
    ...extra,
  });
}

/** Resolve when the session reaches `state` (checked on every event). */
export function waitForState(session: CrashSession, state: string, timeoutMs = 120_000): Promise<void> {
  if (session.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`session did not reach ${state} (is ${session.state})`));
    }, timeoutMs);
    const off = session.onEvent((e) => {
      if (e.type === 'state' && e.state === state) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}
