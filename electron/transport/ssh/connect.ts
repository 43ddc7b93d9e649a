/**
 * Opening an authenticated ssh2 connection to a resolved host, through its ProxyJump hops,
 * with the host key of every hop checked against known_hosts before anything is sent.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { ApiError, type ApiErrorShape } from '../../api/contract.ts';
import { makeAuthHandler, type PromptFn } from './auth.ts';
import { hostLabel, type ResolvedHost } from './config.ts';
import { appendKnownHost, fingerprintSha256, hostKeyName, keyTypeOfBlob, knownKeyTypes, loadKnownHosts, verifyHostKey } from './known-hosts.ts';

/** What the user is shown about an unknown host key. */
export interface HostKeyInfo {
  /** "user@host:port" of the hop. */
  host: string;
  /** The known_hosts name (`host` or `[host]:port`). */
  name: string;
  keyType: string;
  /** OpenSSH format, `SHA256:...`. */
  fingerprint: string;
}

/** An ApiError about a host key, carrying the key's fingerprint for the UI. */
export class HostKeyError extends ApiError {
  constructor(
    code: 'host-key-unknown' | 'host-key-changed' | 'refused',
    message: string,
    hint: string,
    readonly key: HostKeyInfo,
  ) {
    super(code, message, hint);
  }

  /** The wire shape carries the key too, so the UI can show and accept exactly this one. */
  override toJSON(): ApiErrorShape {
    return { ...super.toJSON(), hostKey: { ...this.key } };
  }
}

/** Connection settings shared by every hop. */
export interface ConnectSettings {
  /** known_hosts files read (user's, then the app's); the last is where accepted keys go. */
  knownHostsFiles: readonly string[];
  appKnownHostsFile: string;
  agent?: string;
  prompt?: PromptFn;
  /** Asked for an unknown host key; true accepts and remembers it in the app's file. */
  confirmHostKey?: (info: HostKeyInfo) => Promise<boolean>;
  /** Unknown keys (SHA256 fingerprints) the user already accepted, e.g. on a retry from the UI. */
  acceptFingerprints?: readonly string[];
  /** TCP connect timeout. */
  connectTimeoutMs: number;
  /** Handshake + authentication, not counting time spent waiting for the user. */
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  keyCache: Map<string, ParsedKey>;
  /** Notes worth showing (ignored @cert-authority lines...). */
  notes: string[];
}

/** An open connection: the final client plus the hop clients it runs through. */
export interface OpenConnection {
  client: ssh2.Client;
  hops: ssh2.Client[];
}

const defaultHostKeyAlgorithms = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Connect to `target` through its jumps; every hop verified and authenticated. */
export async function openConnection(target: ResolvedHost, settings: ConnectSettings): Promise<OpenConnection> {
  const chain = [...target.jumps, target];
  const hops: ssh2.Client[] = [];
  try {
    let sock: Duplex | undefined;
    for (let i = 0; i < chain.length; i++) {
      const hop = chain[i] as ResolvedHost;
      if (i > 0) {
        const prev = hops[i - 1] as ssh2.Client;
        sock = await forward(prev, hop);
      } else {
        sock = await dial(hop, settings.connectTimeoutMs);
      }
      hops.push(await handshake(hop, sock, settings));
    }
    const client = hops.pop() as ssh2.Client;
    return { client, hops };
  } catch (err) {
    for (const c of hops.reverse()) c.end();
    throw err;
  }
}

function dial(h: ResolvedHost, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: h.hostname, port: h.port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ApiError('timeout', `ssh: connect to ${hostLabel(h)} timed out after ${timeoutMs} ms`, 'Check the host name, port and network (VPN, firewall).'));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      // Small interactive packets (one crash command each): no Nagle delay.
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const refused = err.code === 'ECONNREFUSED';
      reject(new ApiError(refused ? 'refused' : 'connection-lost', `ssh: connect to ${hostLabel(h)}: ${err.message}`, refused ? 'Is sshd running on that port?' : 'Check the host name and network.'));
    });
  });
}

function forward(via: ssh2.Client, to: ResolvedHost): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.hostname, to.port, (err, stream) => {
      if (err) reject(new ApiError('refused', `ssh: jump host could not reach ${hostLabel(to)}: ${err.message}`, 'Check ProxyJump and that the jump host may open TCP forwards (AllowTcpForwarding).'));
      else resolve(stream);
    });
  });
}

/** A ready timer that stops while the user is being asked something. */
class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private left: number;
  private since = 0;
  constructor(ms: number, private readonly fire: () => void) {
    this.left = ms;
    this.resume();
  }
  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.left -= Date.now() - this.since;
  }
  resume(): void {
    if (this.timer || this.left === Infinity) return;
    this.since = Date.now();
    this.timer = setTimeout(this.fire, Math.max(0, this.left));
  }
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.left = Infinity;
  }
  /** Run `fn` with the clock stopped. */
  async paused<T>(fn: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await fn();
    } finally {
      this.resume();
    }
  }
}

async function handshake(h: ResolvedHost, sock: Duplex, settings: ConnectSettings): Promise<ssh2.Client> {
  const label = hostLabel(h);
  const names = [hostKeyName(h.hostKeyName, h.port)];
  const entries = await loadKnownHosts(settings.knownHostsFiles);
  const preferred = knownKeyTypes(entries, names).flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  const algorithms = [...preferred.filter((a) => defaultHostKeyAlgorithms.includes(a)), ...defaultHostKeyAlgorithms.filter((a) => !preferred.includes(a))];
  const authLog: string[] = [];
  const client = new ssh2.Client();
  let failure: ApiError | undefined;

  return new Promise<ssh2.Client>((resolve, reject) => {
    let settled = false;
    const fail = (err: ApiError): void => {
      if (settled) return;
      settled = true;
      deadline.stop();
      client.end();
      sock.destroy();
      reject(err);
    };
    const deadline = new Deadline(settings.readyTimeoutMs, () => fail(new ApiError('timeout', `ssh: ${label} did not complete the handshake and login within ${settings.readyTimeoutMs} ms`, 'The server may be overloaded, or a firewall is swallowing packets.')));
    const prompt = settings.prompt;
    const pausedPrompt: PromptFn | undefined = prompt && ((p) => deadline.paused(() => prompt(p)));

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      void (async () => {
        const info: HostKeyInfo = { host: label, name: names[0] as string, keyType: keyTypeOfBlob(key), fingerprint: fingerprintSha256(key) };
        const verdict = verifyHostKey(await loadKnownHosts(settings.knownHostsFiles), names, key, { notes: settings.notes });
        if (verdict.status === 'known') return verify(true);
        if (verdict.status === 'revoked') {
          failure = new HostKeyError('refused', `REVOKED HOST KEY: ${label} presented ${info.keyType} key ${info.fingerprint}, which ${verdict.entry.file}:${verdict.entry.line} marks @revoked. Connection refused.`, 'Do not connect: the key was revoked by an administrator. Ask them for the host\'s new key.', info);
          return verify(false);
        }
        if (verdict.status === 'changed') {
          const where = verdict.entries.map((e) => `${e.file}:${e.line} (${e.keyType})`).join(', ');
          failure = new HostKeyError('host-key-changed', `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${label}! It presented ${info.keyType} key ${info.fingerprint}, which does not match ${where}. Someone could be eavesdropping (man-in-the-middle), or the host key was just changed. Connection refused.`, `Verify the new fingerprint with the host's administrator; if the change is legitimate, remove the old entry (${where}) and connect again.`, info);
          return verify(false);
        }
        let accepted = settings.acceptFingerprints?.includes(info.fingerprint) ?? false;
        if (!accepted && settings.confirmHostKey) {
          const confirm = settings.confirmHostKey;
          accepted = await deadline.paused(() => confirm(info));
        }
        if (!accepted) {
          failure = new HostKeyError('host-key-unknown', `The authenticity of host ${label} can't be established. ${info.keyType} key fingerprint is ${info.fingerprint}.`, 'Compare the fingerprint with the one the host\'s administrator gives you (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and accept it to continue.', info);
          return verify(false);
        }
        await appendKnownHost(settings.appKnownHostsFile, names[0] as string, key);
        verify(true);
      })().catch((err: unknown) => {
        failure = new ApiError('internal', `host key check failed: ${err instanceof Error ? err.message : String(err)}`);
        verify(false);
      });
    };

    client.once('ready', () => {
      if (settled) return;
      settled = true;
      deadline.stop();
      client.removeAllListeners('error');
      // Later errors surface through 'close'; keep a listener so none crashes the process.
      client.on('error', () => undefined);
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (failure) return fail(failure);
      if (err.level === 'client-authentication') {
        const tried = authLog.length ? ` (${authLog.join('; ')})` : '';
        return fail(new ApiError('auth-failed', `Permission denied for ${label}: no authentication method was accepted${tried}.`, 'Load your key into ssh-agent, check IdentityFile in ~/.ssh/config, or check the user name.'));
      }
      fail(new ApiError('connection-lost', `ssh: ${label}: ${err.message}`, 'Check that the host runs an SSH server and try again.'));
    });
    client.once('close', () => fail(failure ?? new ApiError('connection-lost', `ssh: ${label} closed the connection during login`, 'Check the server log (MaxStartups, AllowUsers).')));

    client.connect({
      sock: sock as never,
      username: h.user,
      readyTimeout: 0,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      algorithms: { serverHostKey: algorithms as never },
      hostVerifier,
      authHandler: makeAuthHandler({
        user: h.user,
        label,
        ...(settings.agent ? { agent: settings.agent } : {}),
        identityFiles: h.identityFiles,
        ...(pausedPrompt ? { prompt: pausedPrompt } : {}),
        keyCache: settings.keyCache,
        log: authLog,
      }),
    });
  });
}
