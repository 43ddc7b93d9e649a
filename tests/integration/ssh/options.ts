/**
 * SshTransport options aimed at a test sshd: its client home (key, known_hosts, config), an app
 * known_hosts in its temp dir, and no ssh-agent unless a test asks for one. Nothing reads the
 * real ~/.ssh.
 */
import path from 'node:path';
import { SshTransport, type SshTransportOptions } from '../../../electron/transport/ssh.ts';
import type { Sshd } from '../../support/sshd.ts';

/** Options for a transport to `sshd` (host defaults to root@127.0.0.1:PORT). */
export function optionsFor(sshd: Sshd, extra: Partial<SshTransportOptions> = {}): SshTransportOptions {
  return {
    host: sshd.spec,
    home: sshd.home,
    appKnownHostsFile: path.join(sshd.dir, 'app_known_hosts'),
    agent: null,
    connectTimeoutMs: 5000,
    readyTimeoutMs: 10_000,
    ...extra,
  };
}

/** A transport to `sshd`; callers close it. */
export function transportFor(sshd: Sshd, extra: Partial<SshTransportOptions> = {}): SshTransport {
  return new SshTransport(optionsFor(sshd, extra));
}

/** The ApiError code a promise rejects with (fails the test if it resolves). */
export async function rejectionCode(p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; message: string; hint?: string };
    return { code: e.code ?? 'none', message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }
  throw new Error('expected a rejection');
}
