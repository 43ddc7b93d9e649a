/**
 * The crashed kernel's own log, without vmlinux or crash: the dmesg kdump saved beside the dump
 * (`dmesg.<stamp>` of Debian's kdump-tools, `vmcore-dmesg.txt` of RHEL/Fedora) when it provably
 * belongs to this dump, else `makedumpfile --dump-dmesg` run on the host that holds the dump (only
 * the text travels back over SSH), else a note saying exactly why there is none.
 */
import { posix } from 'node:path';
import type { Transport } from '../transport/types.ts';
import type { DumpIdentity } from './vmcoreinfo.ts';

/** The kernel log of a dump and where it came from. */
export interface DumpLog {
  /** The log text as its source printed it; null when none could be read. */
  text: string | null;
  source: 'saved-dmesg' | 'makedumpfile' | null;
  /** The saved file, or the dump makedumpfile read. */
  sourcePath: string | null;
  /** What was tried and why it was not used, in the user's words. */
  notes: string[];
}

/** Options of readDumpLog. */
export interface DumpLogOptions {
  signal?: AbortSignal;
  /** argv run before makedumpfile (e.g. runuser for analysing as another user). */
  commandPrefix?: readonly string[];
  /** How long makedumpfile may take (default 120 s: it reads only the log's pages). */
  timeoutMs?: number;
}

/** A saved dmesg larger than this is not a kernel log (the ring buffer is at most a few MiB). */
const maxSavedBytes = 32 * 1024 * 1024;
const maxMakedumpfileBytes = 64 * 1024 * 1024;
/** Clock slack when matching a saved log's end to the dump's crash time: 60 s + 100 ppm of uptime. */
const baseSlackMs = 60_000;
const slackPerUptime = 1e-4;

/** Why a saved dmesg is or is not this dump's. */
export type SavedDmesgCheck = { verdict: 'match' | 'other' | 'unknown'; reason: string };

const tsRe = /^\[\s*(\d{1,10}\.\d{1,9})\]\s?(?:\[\s*[TC]\d{1,10}\]\s?)?(.*)$/;

function fmtTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Does a saved dmesg belong to the dump with this identity? Its "Linux version" line must name
 * the dump's release, and its end — the RTC wall time the kernel set at boot ("setting system
 * clock to … (EPOCH)") plus the last timestamp — must fall at the dump's crash time. A file
 * written before the crash (mtime) is another dump's.
 */
export function checkSavedDmesg(text: string, identity: Pick<DumpIdentity, 'release' | 'crashTimeMs'>, mtimeMs: number | null): SavedDmesgCheck {
  let release: string | null = null;
  let anchor: { ts: number; epoch: number } | null = null;
  let lastTs: number | null = null;
  for (const line of text.split('\n')) {
    const m = tsRe.exec(line);
    if (!m) continue;
    const ts = Number(m[1]);
    const body = m[2] as string;
    lastTs = lastTs === null ? ts : Math.max(lastTs, ts);
    if (release === null) {
      const r = /^Linux version (\S+) \(/.exec(body);
      if (r) release = r[1] as string;
    }
    if (anchor === null) {
      const c = /setting system clock to \S+ UTC \((\d{1,12})\)/.exec(body);
      if (c) anchor = { ts, epoch: Number(c[1]) };
    }
  }
  if (lastTs === null) return { verdict: 'other', reason: 'it holds no kernel log lines ("[ seconds] text")' };
  if (release !== null && identity.release !== null && release !== identity.release) {
    return { verdict: 'other', reason: `it is the log of kernel ${release}, the dump is ${identity.release}` };
  }
  if (identity.crashTimeMs !== null && mtimeMs !== null && mtimeMs > 0 && mtimeMs < identity.crashTimeMs - baseSlackMs) {
    return { verdict: 'other', reason: `it was written at ${fmtTime(mtimeMs)}, before this dump's crash at ${fmtTime(identity.crashTimeMs)}` };
  }
  if (anchor !== null && identity.crashTimeMs !== null) {
    const endMs = (anchor.epoch + (lastTs - anchor.ts)) * 1000;
    const slack = baseSlackMs + lastTs * 1000 * slackPerUptime;
    if (Math.abs(endMs - identity.crashTimeMs) > slack) {
      return { verdict: 'other', reason: `its last line is from about ${fmtTime(endMs)}, this dump crashed at ${fmtTime(identity.crashTimeMs)}` };
    }
    return { verdict: 'match', reason: `kernel ${release ?? identity.release ?? '?'}, ends at the dump's crash time` };
  }
  const why = release === null ? 'its start (the "Linux version" line) is gone' : 'it has no boot wall-clock line';
  return { verdict: 'unknown', reason: `${why}, so it cannot be matched to this dump's crash time` };
}

/** Saved dmesg files kdump writes beside a dump, most specific first. */
async function savedCandidates(t: Transport, vmcore: string): Promise<string[]> {
  const dir = posix.dirname(vmcore);
  const base = posix.basename(vmcore);
  const names = (await t.listDir(dir).catch(() => null)) ?? [];
  const stamp = /^dump\.(\d+)$/.exec(base)?.[1];
  const wanted = [stamp ? `dmesg.${stamp}` : null, 'vmcore-dmesg.txt', ...names.filter((n) => /^dmesg\.\d+$/.test(n)).sort()];
  return [...new Set(wanted.filter((n): n is string => n !== null && names.includes(n)))].map((n) => posix.join(dir, n));
}

async function readSaved(t: Transport, file: string): Promise<{ text: string; mtimeMs: number } | string> {
  const st = await t.stat(file).catch((err: Error) => err);
  if (st instanceof Error) return `cannot be read (${st.message})`;
  if (!st?.isFile) return 'is not a file';
  if (st.size === 0) return 'is empty';
  if (st.size > maxSavedBytes) return `is ${st.size} bytes, too large for a kernel log`;
  try {
    const buf = await t.readRange(file, 0, st.size);
    return { text: buf.toString('utf8'), mtimeMs: st.mtimeMs };
  } catch (err) {
    return `cannot be read (${(err as Error).message})`;
  }
}

// The script makes a private directory (mktemp -d is 0700), runs makedumpfile into it, prints
// only the log on stdout and makedumpfile's messages on stderr, and always removes the directory.
const makedumpfileScript = [
  'PATH="$PATH:/usr/sbin:/sbin"',
  'command -v makedumpfile >/dev/null 2>&1 || { echo "crashdeck: makedumpfile not found" >&2; exit 127; }',
  'd=$(mktemp -d "${TMPDIR:-/tmp}/crashdeck-dmesg.XXXXXX") || exit 126',
  'trap \'rm -rf "$d"\' EXIT',
  'trap \'exit 143\' INT TERM HUP',
  'makedumpfile --dump-dmesg "$1" "$d/dmesg" >"$d/out" 2>&1',
  'rc=$?',
  '[ -s "$d/dmesg" ] && cat "$d/dmesg"',
  'cat "$d/out" >&2',
  'exit $rc',
].join('\n');

/** The install hint for makedumpfile on a host. */
export const makedumpfileHint = 'install makedumpfile (Debian/Ubuntu: apt-get install makedumpfile; Fedora: dnf install makedumpfile; RHEL 8/9: it comes with kexec-tools)';

interface MakedumpfileRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runMakedumpfile(t: Transport, vmcore: string, opts: DumpLogOptions): Promise<MakedumpfileRun> {
  const prefix = opts.commandPrefix ?? [];
  const argv = [...prefix, 'sh', '-c', makedumpfileScript, 'crashdeck-dmesg', vmcore];
  const proc = await t.spawn({ command: argv[0] as string, args: argv.slice(1) });
  proc.closeStdin();
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let tooBig = false;
    const stop = (): void => proc.kill('SIGTERM');
    const timer = setTimeout(stop, opts.timeoutMs ?? 120_000);
    timer.unref?.();
    opts.signal?.addEventListener('abort', stop, { once: true });
    proc.onStdout((c) => {
      if (stdout.length + c.length > maxMakedumpfileBytes) {
        tooBig = true;
        stop();
        return;
      }
      stdout += c;
    });
    proc.onStderr((c) => {
      if (stderr.length < 64 * 1024) stderr += c;
    });
    proc.onExit((info) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
      if (opts.signal?.aborted) {
        reject(opts.signal.reason instanceof Error ? opts.signal.reason : new Error('cancelled'));
        return;
      }
      if (tooBig) stderr += `\ncrashdeck: the log is larger than ${maxMakedumpfileBytes} bytes`;
      resolve({ code: info.code, stdout, stderr: info.reason ? `${stderr}\n${info.reason}` : stderr });
    });
  });
}

/** makedumpfile's own words, minus its progress chatter: the last few meaningful lines. */
function said(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^The dmesg log is saved to|^makedumpfile Failed\.?$|^Commandline parameter is invalid/.test(l));
  return lines.slice(-3).join('; ');
}

/**
 * The dump's kernel log: a verified saved dmesg, else makedumpfile on the dump's host, else an
 * unverified saved dmesg (with a note), else none with the reason. Never throws for a missing
 * tool or an unreadable log; rejects only when `signal` aborts.
 */
export async function readDumpLog(t: Transport, vmcore: string, identity: DumpIdentity, opts: DumpLogOptions = {}): Promise<DumpLog> {
  const notes: string[] = [];
  let unverified: { path: string; text: string; reason: string } | null = null;
  for (const file of await savedCandidates(t, vmcore)) {
    const got = await readSaved(t, file);
    const name = posix.basename(file);
    if (typeof got === 'string') {
      notes.push(`${name} beside the dump ${got}; not used.`);
      continue;
    }
    const check = checkSavedDmesg(got.text, identity, got.mtimeMs);
    if (check.verdict === 'match') return { text: got.text, source: 'saved-dmesg', sourcePath: file, notes };
    if (check.verdict === 'other') notes.push(`${name} beside the dump belongs to another crash: ${check.reason}; ignored.`);
    else unverified ??= { path: file, text: got.text, reason: check.reason };
  }
  if (identity.format === 'unknown') {
    notes.push(`${posix.basename(vmcore)} is not a crash dump (no kdump or ELF core header), so it holds no kernel log.`);
  } else if (identity.format === 'flattened') {
    notes.push(`${posix.basename(vmcore)} is in makedumpfile's flattened format; convert it first: makedumpfile -R ${vmcore}.converted < ${vmcore}`);
  } else {
    const run = await runMakedumpfile(t, vmcore, opts);
    if (run.code === 0 && run.stdout.trim() !== '') {
      if (unverified) notes.push(`${posix.basename(unverified.path)} beside the dump not used: ${unverified.reason}; the log was read from the dump itself.`);
      return { text: run.stdout, source: 'makedumpfile', sourcePath: vmcore, notes };
    }
    const where = t.kind === 'local' ? 'this machine' : t.label;
    if (run.code === 127 && /makedumpfile not found/.test(run.stderr)) {
      notes.push(`makedumpfile is not installed on ${where}, so the kernel log cannot be read from the dump: ${makedumpfileHint}.`);
    } else if (identity.truncated) {
      notes.push(`the dump is truncated (${identity.size} of ${identity.expectedSize ?? '?'} bytes) and the kernel log's pages are not in it${said(run.stderr) ? ` (makedumpfile: ${said(run.stderr)})` : ''}; copy the dump again completely.`);
    } else {
      notes.push(`makedumpfile --dump-dmesg could not read the kernel log from the dump (exit ${run.code ?? 'signal'}${said(run.stderr) ? `: ${said(run.stderr)}` : ''}).`);
    }
  }
  if (unverified) {
    notes.push(`using ${posix.basename(unverified.path)} beside the dump although ${unverified.reason}.`);
    return { text: unverified.text, source: 'saved-dmesg', sourcePath: unverified.path, notes };
  }
  return { text: null, source: null, sourcePath: null, notes };
}
