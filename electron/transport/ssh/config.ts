/**
 * Turning what the user typed (`ssh://user@host:port`, `user@host:port`, or a ~/.ssh/config
 * alias) into where and how to connect, the way OpenSSH does: Host sections with HostName, User,
 * Port, IdentityFile, HostKeyAlias and ProxyJump (one hop or more), first value wins.
 */
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';

/** A host spec split into its parts; fields the user did not give are undefined. */
export interface HostSpec {
  /** The name used for config lookup (alias or real host name). */
  host: string;
  user?: string;
  port?: number;
}

/** Parse `ssh://user@host:port[/path]`, `user@host:port`, `host`, `[v6addr]:port`. */
export function parseHostSpec(spec: string): HostSpec {
  let s = spec.trim();
  if (s.startsWith('ssh://')) {
    s = s.slice('ssh://'.length);
    const slash = s.indexOf('/');
    if (slash >= 0) s = s.slice(0, slash);
  }
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = decodeURIComponent(s.slice(0, at));
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1] ?? '';
    if (v6[2]) port = Number(v6[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(s);
    if (m) {
      host = m[1] ?? '';
      port = Number(m[2]);
    }
  }
  if (!host || /[\s/]/.test(host)) throw new Error(`not an SSH host: ${JSON.stringify(spec)}`);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`bad port in ${JSON.stringify(spec)}`);
  return user === undefined ? (port === undefined ? { host } : { host, port }) : port === undefined ? { host, user } : { host, user, port };
}

/** Everything needed to open one SSH connection (one hop). */
export interface ResolvedHost {
  /** What the user called it (alias), for messages. */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  /** Name looked up in known_hosts (HostKeyAlias, else HostName). */
  hostKeyName: string;
  identityFiles: string[];
  /** Whether IdentityFile entries came from the config (else: the OpenSSH defaults). */
  identitiesOnly: boolean;
  /** Jump hosts in order (first is dialled directly). */
  jumps: ResolvedHost[];
}

/** Options for resolution; tests point these at throwaway files. */
export interface ResolveOptions {
  /** Path of the ssh config; default ~/.ssh/config. Missing file = empty config. */
  configFile?: string;
  /** Home directory for `~` expansion; default os.homedir(). */
  home?: string;
  /** Local user name, default os.userInfo().username. */
  localUser?: string;
}

/**
 * Read the ssh config file (missing = empty), with `Include` lines replaced by the files they
 * name (relative paths against ~/.ssh, `*`/`?` globs in the file name, sorted, nested up to 16
 * deep), which the parser itself does not follow.
 */
export async function loadSshConfig(file: string, home: string = os.homedir()): Promise<SSHConfig> {
  return SSHConfig.parse(await expandIncludes(file, home, 0));
}

async function expandIncludes(file: string, home: string, depth: number): Promise<string> {
  if (depth > 16) throw new Error(`ssh config: Include nested too deeply at ${file}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*include\s*[=\s]\s*(.+?)\s*$/i.exec(line);
    if (!m?.[1]) {
      out.push(line);
      continue;
    }
    for (const pattern of m[1].split(/\s+/)) {
      const p = pattern.replace(/^"(.*)"$/, '$1').replace(/^~(?=\/)/, home);
      const abs = path.isAbsolute(p) ? p : path.join(home, '.ssh', p);
      for (const f of await globFiles(abs)) out.push(await expandIncludes(f, home, depth + 1));
    }
  }
  return out.join('\n');
}

/** Files matching `*` and `?` in the last path component, sorted like glob(3). */
async function globFiles(pattern: string): Promise<string[]> {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && re.test(n)).sort().map((n) => path.join(dir, n));
}

/** Resolve a host spec against the ssh config, including the ProxyJump chain. */
export async function resolveHost(spec: string, options: ResolveOptions = {}): Promise<ResolvedHost> {
  const home = options.home ?? os.homedir();
  const config = await loadSshConfig(options.configFile ?? path.join(home, '.ssh', 'config'), home);
  return resolveWith(config, parseHostSpec(spec), { ...options, home }, 0);
}

function resolveWith(config: SSHConfig, spec: HostSpec, options: ResolveOptions & { home: string }, depth: number): ResolvedHost {
  if (depth > 8) throw new Error('ProxyJump chain is too long (loop in ~/.ssh/config?)');
  // matchExec false: never run `Match exec` commands from a config file we merely read.
  const c = config.compute(spec.host, { ignoreCase: true, matchExec: false }) as Record<string, string | string[] | undefined>;
  const one = (k: string): string | undefined => {
    const val = c[k];
    return Array.isArray(val) ? val[0] : val;
  };
  const localUser = options.localUser ?? os.userInfo().username;
  const hostname = (one('hostname') ?? spec.host).replaceAll('%h', spec.host);
  const port = spec.port ?? (one('port') ? Number(one('port')) : 22);
  const user = spec.user ?? one('user') ?? localUser;
  const rawIds = c['identityfile'];
  const ids = rawIds === undefined ? [] : Array.isArray(rawIds) ? rawIds : [rawIds];
  const expand = (p: string): string => expandPath(p, { home: options.home, host: spec.host, hostname, user, port, localUser });
  const identityFiles = ids.length
    ? ids.map(expand)
    : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => path.join(options.home, '.ssh', n));
  const jumpValue = one('proxyjump');
  const jumps: ResolvedHost[] = [];
  if (jumpValue && jumpValue.toLowerCase() !== 'none') {
    for (const hop of jumpValue.split(',')) {
      const resolved = resolveWith(config, parseHostSpec(hop), options, depth + 1);
      // A hop's own jumps come before it, as with `ssh -J`.
      jumps.push(...resolved.jumps, { ...resolved, jumps: [] });
    }
  }
  return {
    alias: spec.host,
    hostname,
    port,
    user,
    hostKeyName: one('hostkeyalias') ?? hostname,
    identityFiles,
    identitiesOnly: ids.length > 0,
    jumps,
  };
}

/** `~` and the common `%` tokens of IdentityFile (%d home, %u local user, %r remote user, %h, %n, %p, %%). */
function expandPath(p: string, t: { home: string; host: string; hostname: string; user: string; port: number; localUser: string }): string {
  let s = p.replace(/^~(?=\/|$)/, t.home);
  s = s.replace(/%([dhnpru%])/g, (_m, k: string) => {
    switch (k) {
      case 'd': return t.home;
      case 'h': return t.hostname;
      case 'n': return t.host;
      case 'p': return String(t.port);
      case 'r': return t.user;
      case 'u': return t.localUser;
      default: return '%';
    }
  });
  return s;
}

/** "user@host:port" for messages and the Transport label. */
export function hostLabel(h: Pick<ResolvedHost, 'user' | 'hostname' | 'port'>): string {
  const host = h.hostname.includes(':') ? `[${h.hostname}]` : h.hostname;
  return `${h.user}@${host}:${h.port}`;
}

/**
 * Split `ssh://user@host:port/path/to/vmcore` into the host spec and the remote path
 * (percent-decoded, as in any URL); null for anything that is not an ssh:// URL with a path.
 */
export function splitSshUrl(url: string): { host: string; path: string } | null {
  if (!url.startsWith('ssh://')) return null;
  const rest = url.slice('ssh://'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  const host = `ssh://${rest.slice(0, slash)}`;
  parseHostSpec(host);
  return { host, path: decodeURIComponent(rest.slice(slash)) };
}
