/**
 * File access over plain exec channels, for hosts whose sshd has no `Subsystem sftp` (and for
 * root-only dumps through `sudo -n`): POSIX tools only (`stat`, `dd` or `tail`/`head`, `cat`,
 * `mktemp`). Each script is a constant; paths and numbers reach it as positional arguments,
 * quoted by the one quoting function (../quote.ts) where the command line is built. Output is
 * read as bytes (no text decoding of file data).
 *
 * Which tools the host has is asked once per connection; reads then use GNU `dd` with byte
 * offsets when it is there, else `tail -c +N | head -c LEN`, else say precisely what is missing.
 */
import { ApiError } from '../../api/contract.ts';
import type { FileStat } from '../types.ts';

/** One finished remote script: stdout as bytes, stderr as text. */
export interface RawResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs `sh -c SCRIPT sh ARGS...` on the host (through sudo when the transport says so). */
export type RawRunner = (script: string, args: readonly string[], options: { what: string; maxBytes: number; timeoutMs: number; stdin?: Buffer }) => Promise<RawResult>;

/** The tools the exec fallback found on the host. */
export interface HostTools {
  stat: boolean;
  dd: boolean;
  /** GNU dd: `iflag=skip_bytes,count_bytes status=none` (exact byte ranges, fast). */
  ddBytes: boolean;
  head: boolean;
  tail: boolean;
  cat: boolean;
  mktemp: boolean;
  /** The remote PATH, for messages about a missing tool. */
  path: string;
}

const toolsScript = `for t in stat dd head tail cat mktemp; do if command -v "$t" >/dev/null 2>&1; then printf '%s ' "$t"; fi; done
if dd if=/dev/null of=/dev/null bs=1 count=0 iflag=skip_bytes,count_bytes status=none 2>/dev/null; then printf 'dd-bytes'; fi
printf '\\n%s\\n' "$PATH"`;

const statScript = `if command -v stat >/dev/null 2>&1; then exec stat -L -c '%s %Y %F' -- "$1"; fi
[ -e "$1" ] || { printf '%s: No such file or directory\\n' "$1" >&2; exit 1; }
if [ -d "$1" ]; then k=directory; s=0; elif [ -f "$1" ]; then k='regular file'; s=$(wc -c <"$1") || exit 1; else k=other; s=0; fi
m=$(date -r "$1" +%s 2>/dev/null) || m=0
printf '%s %s %s\\n' "$s" "$m" "$k"`;

// $1 file, $2 offset, $3 length, $4 "dd" or "tail", $5 offset+1 (tail -c +N counts from 1).
// The size is taken before and after: a file that grows or shrinks meanwhile is reported.
const readScript = `f=$1
size() { stat -L -c %s -- "$f" 2>/dev/null; }
a=$(size) || a=
if [ "$4" = dd ]; then dd if="$f" bs=65536 skip="$2" count="$3" iflag=skip_bytes,count_bytes status=none || exit 1
else
  # tail's own status is lost in the pipe; a failure (not the SIGPIPE when head has enough) is marked.
  { tail -c +"$5" -- "$f"; r=$?; [ $r -eq 0 ] || [ $r -gt 128 ] || printf 'crashdeck-read-failed %s\n' "$r" >&2; } | head -c "$3" || exit 1
fi
b=$(size) || b=
if [ -n "$a" ] && [ "$a" != "$b" ]; then printf 'crashdeck-size-changed %s %s\\n' "$a" "$b" >&2; exit 75; fi`;

// $1 directory, $2 "stat" to add the entries' facts. Names are NUL-terminated (they may hold
// newlines), an empty record ends them; then one y/n per name (exists after following links)
// and the stat lines of the y ones, in order.
const listScript = `want=$2
cd -- "$1" 2>/dev/null || exit 3
set --
for f in * .[!.]* ..?*; do if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi; done
for f do printf '%s\\000' "$f"; done
printf '\\000'
[ "$want" = stat ] && command -v stat >/dev/null 2>&1 || exit 0
for f do shift; if [ -e "$f" ]; then printf y; set -- "$@" "$f"; else printf n; fi; done
printf '\\000'
[ $# -eq 0 ] || stat -L -c '%s %Y %F' -- "$@" 2>/dev/null
exit 0`;

const tempScript = `umask 077
f=$(mktemp "\${TMPDIR:-/tmp}/crashdeck-XXXXXXXX") || exit 1
cat >"$f" || { rm -f -- "$f"; exit 1; }
printf '%s' "$f"`;

/** How long a listDir's entry facts stand in for a stat of that entry (one use each). */
const listedStatTtlMs = 5000;

/** The exec-channel file operations of one SSH transport. */
export class ExecFiles {
  private tools: Promise<HostTools> | undefined;
  private readonly listed = new Map<string, { st: FileStat; at: number }>();

  constructor(
    private readonly run: RawRunner,
    /** "user@host:port" for messages. */
    private readonly label: string,
  ) {}

  /** The host's tools (asked once; forgotten with the connection by the caller). */
  hostTools(): Promise<HostTools> {
    this.tools ??= this.run(toolsScript, [], { what: 'tool check', maxBytes: 64 * 1024, timeoutMs: 30_000 }).then((r) => {
      // The check itself failing (sudo -n without rights...) is that failure, not "no tools".
      if (r.code !== 0) throw this.failure('cannot run file commands', r);
      const text = r.stdout.toString('utf8');
      const nl = text.indexOf('\n');
      const words = new Set(text.slice(0, nl < 0 ? undefined : nl).trim().split(/\s+/));
      return {
        stat: words.has('stat'),
        dd: words.has('dd'),
        ddBytes: words.has('dd-bytes'),
        head: words.has('head'),
        tail: words.has('tail'),
        cat: words.has('cat'),
        mktemp: words.has('mktemp'),
        path: nl < 0 ? '' : text.slice(nl + 1).trim(),
      };
    }).catch((err: unknown) => {
      this.tools = undefined;
      throw err;
    });
    return this.tools;
  }

  /** stat -L: null when the path does not exist. */
  async stat(p: string): Promise<FileStat | null> {
    const cached = this.listed.get(p);
    if (cached) {
      this.listed.delete(p);
      if (Date.now() - cached.at < listedStatTtlMs) return cached.st;
    }
    const r = await this.run(statScript, [p], { what: `stat ${p}`, maxBytes: 64 * 1024, timeoutMs: 30_000 });
    if (r.code !== 0) {
      if (/No such file or directory|Not a directory/.test(r.stderr)) return null;
      throw this.failure(`cannot stat ${p}`, r);
    }
    const st = parseStatLine(r.stdout.toString('utf8').trim());
    if (!st) throw new ApiError('internal', `unexpected stat output from ${this.label}: ${JSON.stringify(r.stdout.toString('utf8').slice(0, 200))}`);
    return st;
  }

  /** Exactly the bytes at [offset, offset+length) (fewer at end of file). */
  async readRange(p: string, offset: number, length: number): Promise<Buffer> {
    const tools = await this.hostTools();
    let mode: 'dd' | 'tail';
    if (tools.ddBytes) mode = 'dd';
    else if (tools.tail && tools.head) mode = 'tail';
    else {
      const missing = [tools.dd ? 'a dd with iflag=skip_bytes (GNU coreutils)' : 'dd', tools.tail ? '' : 'tail', tools.head ? '' : 'head'].filter(Boolean);
      throw new ApiError('dump-unreadable', `cannot read ${p} on ${this.label} without SFTP: the host has no ${missing.join(', no ')} in PATH (${tools.path || 'empty'})`, 'Install coreutils there (dd, head, tail), or enable the sftp subsystem in its sshd_config.');
    }
    const r = await this.run(readScript, [p, String(offset), String(length), mode, String(offset + 1)], {
      what: `reading ${p}`,
      maxBytes: length + 1,
      // A slow link still gets its time; a dead one is caught by the keepalive.
      timeoutMs: 60_000 + Math.ceil(length / (1024 * 1024)) * 1000,
    });
    const changed = /crashdeck-size-changed (\d*) (\d*)/.exec(r.stderr);
    if (changed) {
      throw new ApiError('dump-unreadable', `${p} on ${this.label} changed size while it was read (${changed[1]} -> ${changed[2] || 'gone'} bytes)`, 'Is it still being written (kdump, makedumpfile, a copy)? Open it again once it is complete.');
    }
    // Not "any stderr": the login shell's startup files may write there (rc-file noise).
    if (r.code !== 0 || r.stderr.includes('crashdeck-read-failed')) throw this.failure(`cannot read ${p}`, r);
    return r.stdout.subarray(0, length);
  }

  /**
   * Names in a directory (null when missing or unreadable). The entries' facts come with the
   * listing and answer the next stat of each entry, so a browser listing N files costs one
   * channel, not N.
   */
  async listDir(p: string): Promise<string[] | null> {
    const r = await this.run(listScript, [p, 'stat'], { what: `listing ${p}`, maxBytes: 64 * 1024 * 1024, timeoutMs: 120_000 });
    if (r.code !== 0) return null;
    const records = splitNul(r.stdout);
    const end = records.findIndex((rec) => rec.length === 0);
    const names = (end < 0 ? records : records.slice(0, end)).map((b) => b.toString('utf8'));
    if (end >= 0 && records.length > end + 2) {
      const flags = (records[end + 1] ?? Buffer.alloc(0)).toString('latin1');
      const lines = (records[end + 2] ?? Buffer.alloc(0)).toString('utf8').split('\n').filter((l) => l !== '');
      const existing = names.filter((_n, i) => flags[i] === 'y');
      // A name that vanished between the listing and its stat would shift every line after it.
      if (flags.length === names.length && lines.length === existing.length) {
        const now = Date.now();
        const dir = p.endsWith('/') ? p : `${p}/`;
        existing.forEach((n, i) => {
          const st = parseStatLine(lines[i] ?? '');
          if (st) this.listed.set(`${dir}${n}`, { st, at: now });
        });
      }
    }
    return names;
  }

  /** Write `data` to a new private temp file on the host (`mktemp`, mode 0600); returns its path. */
  async writeTempFile(data: Buffer): Promise<string> {
    const tools = await this.hostTools();
    if (!tools.mktemp || !tools.cat) throw new ApiError('refused', `cannot write a temp file on ${this.label}: no ${[tools.mktemp ? '' : 'mktemp', tools.cat ? '' : 'cat'].filter(Boolean).join(' or ')} in PATH (${tools.path || 'empty'})`, 'Install coreutils on that host.');
    const r = await this.run(tempScript, [], { what: 'writing a temp file', maxBytes: 64 * 1024, timeoutMs: 60_000 + Math.ceil(data.length / (1024 * 1024)) * 1000, stdin: data });
    if (r.code !== 0) throw this.failure('cannot write a temp file', r);
    return r.stdout.toString('utf8');
  }

  private failure(what: string, r: RawResult): ApiError {
    // The last lines: the tool's complaint comes after any rc-file noise.
    const why = r.stderr.trim().split('\n').filter((l) => !l.startsWith('crashdeck-')).slice(-3).join('; ') || (r.signal ? `signal ${r.signal}` : `exit code ${r.code}`);
    if (r.code === 127) return new ApiError('dump-unreadable', `${what} on ${this.label}: command not found (exit 127): ${why}`, 'Install coreutils there, or enable the sftp subsystem in its sshd_config.');
    if (/Permission denied/i.test(why)) return new ApiError('dump-unreadable', `${what} on ${this.label}: permission denied`, 'Dumps under /var/crash are often root-only: enable sudo for this host (needs `sudo -n`).');
    return new ApiError('dump-unreadable', `${what} on ${this.label}: ${why}`);
  }
}

function parseStatLine(line: string): FileStat | null {
  const m = /^(\d+) (\d+) (.+)$/.exec(line);
  if (!m) return null;
  const kind = m[3] ?? '';
  return { size: Number(m[1]), mtimeMs: Number(m[2]) * 1000, isFile: kind.startsWith('regular'), isDirectory: kind === 'directory' };
}

function splitNul(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0); i >= 0; i = buf.indexOf(0, start)) {
    out.push(buf.subarray(start, i));
    start = i + 1;
  }
  out.push(buf.subarray(start));
  return out;
}
