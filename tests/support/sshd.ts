/**
 * A real OpenSSH server for integration tests: Debian's /usr/sbin/sshd on 127.0.0.1 on a free
 * port, with its own generated host key, its own sshd_config (authorized keys in the temp dir,
 * StrictModes off, root login by key only, sftp, TCP forwarding for ProxyJump), PidFile and log
 * in a temp dir. Also a client "home" with a generated user key, a known_hosts that trusts this
 * server and an ssh config alias, so tests never touch the real ~/.ssh.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running sshd plus the client-side files that trust it. */
export interface Sshd {
  port: number;
  /** Temp dir holding everything (server and client side). */
  dir: string;
  /** The server's host key as known_hosts key fields: "ssh-ed25519 AAAA...". */
  hostKey: string;
  /** The host key's OpenSSH fingerprint (`SHA256:...`) as ssh-keygen prints it. */
  hostKeyFingerprint: string;
  /** Client home: .ssh/id_ed25519 (authorized), .ssh/known_hosts (trusts this sshd), .ssh/config. */
  home: string;
  /** Private key authorized for root. */
  userKey: string;
  /** `root@127.0.0.1:PORT` */
  spec: string;
  /**
   * Authorize another public key (file path of a .pub); `keyOptions` go before it as in
   * authorized_keys (e.g. `environment="PATH=/x"`, which needs PermitUserEnvironment yes).
   */
  authorize(pubFile: string, keyOptions?: string): void;
  /** sshd's log so far (LogLevel DEBUG1, written with -E to dir/sshd.log). */
  log(): string;
  /** PIDs of the per-connection sshd processes (children of the listener). */
  connectionPids(): number[];
  stop(): Promise<void>;
}

/** A port the kernel just handed out (closed again, so sshd can bind it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Generate an ed25519 key pair with ssh-keygen (passphrase '' = none). */
export function keygen(file: string, passphrase = '', comment = 'crashdeck-test'): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', file], { stdio: 'ignore' });
}

/** The SHA256 fingerprint ssh-keygen reports for a public key file. */
export function sshKeygenFingerprint(pubFile: string): string {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' });
  const m = /(SHA256:[A-Za-z0-9+/]+)/.exec(out);
  if (!m?.[1]) throw new Error(`no fingerprint in ${out}`);
  return m[1];
}

/** Start sshd. `extraConfig` lines come first in its sshd_config, so they win over the defaults. */
export async function startSshd(options: {
  extraConfig?: readonly string[];
  name?: string;
  /** false: no `Subsystem sftp` line, as on hardened hosts (sshd refuses the subsystem). */
  sftp?: boolean;
  /** sshd's MaxSessions (session channels per connection); default 10 as on a stock server. */
  maxSessions?: number;
  /**
   * 'clean' (default): sessions get HOME set to an empty directory of this sshd, as on a server
   * nobody logs into; root's ~/.bashrc on a developer machine (pyenv init...) would cost every
   * channel seconds. 'login': the account's own HOME.
   */
  remoteHome?: 'clean' | 'login';
} = {}): Promise<Sshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `crashdeck-sshd-${options.name ?? 'x'}-`));
  const home = path.join(dir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  // Privilege separation directory sshd insists on.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyFile = path.join(dir, 'ssh_host_ed25519_key');
  keygen(hostKeyFile, '', 'test-host');
  const userKey = path.join(home, '.ssh', 'id_ed25519');
  keygen(userKey);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${userKey}.pub`), { mode: 0o600 });
  const hostKey = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const logFile = path.join(dir, 'sshd.log');
  const remoteHome = path.join(dir, 'remote-home');
  mkdirSync(remoteHome);
  const homeLine = options.remoteHome === 'login' ? [] : [`SetEnv HOME=${remoteHome}`];

  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    // sshd keeps the first value of a keyword: the test's own lines go first.
    const config = [
      ...(options.extraConfig ?? []),
      ...homeLine,
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      `MaxSessions ${options.maxSessions ?? 10}`,
      'MaxStartups 50:30:100',
      'LogLevel DEBUG1',
      ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    ].join('\n') + '\n';
    const configFile = path.join(dir, 'sshd_config');
    writeFileSync(configFile, config);
    // -E: log to a file (with -e, debug lines would leak into the sessions' stderr).
    const c = spawn('/usr/sbin/sshd', ['-D', '-E', logFile, '-f', configFile], { stdio: 'ignore' });
    if (await waitForBanner(port, c)) child = c;
    else c.kill('SIGKILL');
  }
  if (!child) throw new Error(`sshd did not start; log:\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`);
  const sshd = child;

  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  writeFileSync(path.join(home, '.ssh', 'config'), `Host testbox\n  HostName 127.0.0.1\n  Port ${port}\n  User root\n`);

  return {
    port,
    dir,
    hostKey,
    hostKeyFingerprint: sshKeygenFingerprint(`${hostKeyFile}.pub`),
    home,
    userKey,
    spec: `root@127.0.0.1:${port}`,
    authorize: (pubFile, keyOptions) => appendFileSync(authorized, keyOptions ? `${keyOptions} ${readFileSync(pubFile, 'utf8')}` : readFileSync(pubFile)),
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    connectionPids: () => childrenOf(sshd.pid ?? -1),
    stop: async () => {
      if (sshd.exitCode === null && sshd.signalCode === null) {
        const gone = new Promise((r) => sshd.once('exit', r));
        // The listener's children (live connections) go too: nothing outlives the test.
        for (const pid of childrenOf(sshd.pid ?? -1)) killQuietly(pid);
        sshd.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForBanner(port: number, child: ChildProcess): Promise<boolean> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) return false;
    const banner = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      let got = '';
      s.on('data', (d) => {
        got += d.toString();
        s.destroy();
        resolve(got);
      });
      s.on('error', () => resolve(''));
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(got);
      });
    });
    if (banner.startsWith('SSH-2.0-')) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Direct children of a process, from /proc. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // process went away
    }
  }
  return out;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** An ssh-agent of our own (foreground, so we own its pid) holding the given keys. */
export interface Agent {
  socket: string;
  stop(): Promise<void>;
}

/** Start ssh-agent on a temp socket and ssh-add the keys (passphrase-less keys only). */
export async function startAgent(keys: readonly string[]): Promise<Agent> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const until = Date.now() + 5000;
  while (!existsSync(socket)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error('ssh-agent did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const k of keys) execFileSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  return {
    socket,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
