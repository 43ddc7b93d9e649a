/**
 * What `crashdeck triage --all TARGET...` and the Dumps view accept as a place holding dumps:
 * a local directory, `ssh://[user@]host[:port][/dir]`, or scp-style `[user@]host:[dir]` where host
 * may be a ~/.ssh/config alias. A remote target without a directory means /var/crash.
 */
import path from 'node:path';
import { parseHostSpec } from '../transport/ssh/config.ts';

/** Where kdump writes dumps unless told otherwise. */
export const defaultCrashDir = '/var/crash';

/** A parsed target: `host` is undefined for this machine. */
export interface FleetTarget {
  /** What the user typed, for messages. */
  spec: string;
  /** Host spec for the SSH transport (ssh://user@host:port, user@host:port or an alias). */
  host?: string;
  dir: string;
}

/** Parse one target; throws an Error naming the problem for something that is neither. */
export function parseTarget(spec: string, cwd: string = process.cwd()): FleetTarget {
  const s = spec.trim();
  if (!s) throw new Error('empty target');
  if (s.startsWith('ssh://')) {
    const rest = s.slice('ssh://'.length);
    const slash = rest.indexOf('/');
    const hostPart = slash < 0 ? rest : rest.slice(0, slash);
    const dir = slash < 0 || slash === rest.length - 1 ? defaultCrashDir : decodeURIComponent(rest.slice(slash));
    parseHostSpec(`ssh://${hostPart}`);
    return { spec, host: `ssh://${hostPart}`, dir: normaliseDir(dir) };
  }
  // scp-style: something without a slash before the first colon, e.g. web1:/var/crash, root@db2:
  const scp = /^((?:[^@/:\s]+@)?(?:\[[^\]]+\]|[^@/:\s[\]]+)):(.*)$/.exec(s);
  if (scp && !s.startsWith('.') && !s.startsWith('/')) {
    const host = scp[1] as string;
    parseHostSpec(host);
    const dir = scp[2] ? scp[2] : defaultCrashDir;
    if (!dir.startsWith('/')) throw new Error(`remote directory must be absolute in ${JSON.stringify(spec)}`);
    return { spec, host, dir: normaliseDir(dir) };
  }
  return { spec, dir: normaliseDir(path.resolve(cwd, s)) };
}

function normaliseDir(dir: string): string {
  const d = path.posix.normalize(dir);
  return d.length > 1 ? d.replace(/\/+$/, '') : d;
}
