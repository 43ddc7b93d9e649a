/**
 * The SSH side of createApi: `transportFor(host)` hands out SshTransports with the app's shared
 * settings (prompts, known_hosts paths), one per host spec, and remembers host keys the user
 * accepted after a 'host-key-unknown' error so the retry connects (and stores the key in the
 * app's known_hosts).
 */
import { SshTransport, type SshTransportOptions } from './ssh.ts';

/** Settings every transport shares; `host` comes per call. */
export type SshHostsOptions = Omit<SshTransportOptions, 'host' | 'acceptFingerprints'>;

/** Factory and registry of SSH transports for one app instance. */
export class SshHosts {
  private readonly accepted = new Set<string>();
  private readonly open = new Map<string, SshTransport>();

  constructor(private readonly defaults: SshHostsOptions = {}) {}

  /**
   * The transport for a host spec (ssh://user@host:port, user@host:port or an ssh alias).
   * Reuses a live one for the same spec, so several sessions on one host share a connection
   * (each crash still gets its own channel). Bound, so it can be passed as createApi's option.
   */
  readonly transportFor = (host: string): SshTransport => {
    const existing = this.open.get(host);
    if (existing && !existing.isClosed) return existing;
    const t = new SshTransport({ ...this.defaults, host, acceptFingerprints: [...this.accepted] });
    this.open.set(host, t);
    return t;
  };

  /**
   * The user compared and accepted an unknown host key (the `SHA256:...` fingerprint from a
   * 'host-key-unknown' error). The next connection that is shown exactly this key accepts it
   * and writes it to the app's known_hosts. Never overrides 'host-key-changed' or @revoked.
   */
  acceptHostKey(fingerprint: string): void {
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint)) throw new Error(`not an OpenSSH SHA256 fingerprint: ${fingerprint}`);
    this.accepted.add(fingerprint);
    // Transports created before the acceptance must not be reused for the retry.
    for (const [host, t] of this.open) {
      if (!t.connected) this.open.delete(host);
    }
  }

  /** Close every transport handed out. */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map((t) => t.close()));
  }
}
