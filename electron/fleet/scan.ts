/**
 * Every dump under a crash directory on one host, with one command: `find -printf` lists the
 * directory two levels deep (kdump-tools `STAMP/dump.STAMP`, RHEL `ADDR-DATE/vmcore`, loose
 * files) NUL-separated, so hostile names (newlines, quotes, escapes) arrive intact and a host
 * with hundreds of dumps costs one round trip, with or without SFTP. The layouts themselves are
 * recognised by crash/discovery.ts `listDumps`, run over that listing.
 */
import { listDumps } from '../crash/discovery.ts';
import type { DumpEntry } from '../api/contract.ts';
import { ApiError } from '../api/contract.ts';
import type { FileStat, Transport } from '../transport/types.ts';

/** A directory or file the scan could not read (the rest of the scan went on). */
export interface ScanProblem {
  path: string;
  message: string;
}

/** Dumps found (newest first) and what could not be read. */
export interface ScanResult {
  dumps: DumpEntry[];
  problems: ScanProblem[];
}

interface Listed {
  stat: FileStat;
  names: string[];
}

/** Parse `find -printf '%y %s %T@ %P\0'` output into path → stat and directory → names. */
function parseListing(root: string, out: string): Map<string, Listed> {
  const entries = new Map<string, Listed>();
  const ensure = (p: string, st: FileStat): Listed => {
    let e = entries.get(p);
    if (!e) {
      e = { stat: st, names: [] };
      entries.set(p, e);
    } else {
      e.stat = st;
    }
    return e;
  };
  ensure(root, { size: 0, mtimeMs: 0, isFile: false, isDirectory: true });
  for (const rec of out.split('\0')) {
    const m = /^([a-zA-Z]) (\d+) (\d+(?:\.\d+)?) ([\s\S]+)$/.exec(rec);
    if (!m) continue;
    const rel = m[4] as string;
    const full = `${root === '/' ? '' : root}/${rel}`;
    const st: FileStat = { size: Number(m[2]), mtimeMs: Math.round(Number(m[3]) * 1000), isFile: m[1] === 'f', isDirectory: m[1] === 'd' };
    ensure(full, st);
    const slash = full.lastIndexOf('/');
    const parent = slash === 0 ? '/' : full.slice(0, slash);
    const p = entries.get(parent) ?? ensure(parent, { size: 0, mtimeMs: 0, isFile: false, isDirectory: true });
    p.names.push(full.slice(slash + 1));
  }
  return entries;
}

/** A read-only Transport view of a listing, for listDumps. */
function listingView(label: string, entries: Map<string, Listed>): Transport {
  const no = (): never => {
    throw new Error('not available on a listing');
  };
  return {
    kind: 'local',
    label,
    spawn: no,
    exec: no,
    readRange: no,
    close: async () => undefined,
    stat: async (p) => entries.get(p)?.stat ?? null,
    listDir: async (p) => {
      const e = entries.get(p);
      return e?.stat.isDirectory ? [...e.names] : null;
    },
  };
}

/** "find: 'X': Permission denied" lines → problems. */
function findProblems(stderr: string): ScanProblem[] {
  const out: ScanProblem[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^find: [‘'](.*)[’']: (.+)$/.exec(line.trim());
    if (m) out.push({ path: m[1] as string, message: m[2] as string });
  }
  return out;
}

/**
 * Scan `dir` on `t`. Throws ApiError when the directory itself is missing or unreadable (the
 * target failed); unreadable subdirectories become problems and the scan goes on.
 */
export async function scanCrashDir(t: Transport, dir: string, options: { signal?: AbortSignal } = {}): Promise<ScanResult> {
  const r = await t.exec({ command: 'find', args: ['-L', dir, '-mindepth', '1', '-maxdepth', '2', '-printf', '%y %s %T@ %P\\0'] }, { timeoutMs: 120_000, maxBytes: 64 * 1024 * 1024 });
  if (options.signal?.aborted) throw new ApiError('cancelled', 'scan cancelled');
  const problems = findProblems(r.stderr);
  const rootProblem = problems.find((p) => p.path === dir || p.path === `${dir}/`);
  if (rootProblem) {
    const denied = /permission denied/i.test(rootProblem.message);
    throw new ApiError(denied ? 'dump-unreadable' : 'not-found', `${dir} on ${t.label}: ${rootProblem.message}`, denied ? 'Run as a user who can read the crash directory (dumps are often root-only), or give another directory.' : 'Give the directory kdump writes to (KDUMP_COREDIR, default /var/crash).');
  }
  if (r.code !== 0 && r.code !== 1) {
    // No GNU find (busybox): walk with the transport instead.
    const dumps = await listDumps(t, dir);
    return { dumps, problems: [] };
  }
  if (r.code === 1 && problems.length === 0) throw new ApiError('dump-unreadable', `cannot list ${dir} on ${t.label}: ${r.stderr.trim().slice(0, 300)}`);
  const view = listingView(t.label, parseListing(dir, r.stdout));
  const dumps = await listDumps(view, dir);
  return { dumps, problems: problems.map((p) => ({ path: p.path, message: p.message })) };
}
