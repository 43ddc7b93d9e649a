/**
 * Fetch a debug file by build-id on the host that holds the dump, so the 300–900 MB vmlinux never
 * crosses the SSH link: a POSIX sh script there uses debuginfod-find when installed (into a
 * private staging cache), else curl or wget, and leaves the body in a temp file beside the target
 * in that host's client cache (`<cache>/<buildid>/`, elfutils' layout). crashdeck then reads the
 * temp's build-id note through the Transport and only a match is made read-only and renamed to
 * `debuginfo`; anything else is deleted. Arguments reach the script as positional parameters,
 * quoted by the transport (electron/transport/quote.ts), never spliced into its text.
 */
import { ApiError, type ApiErrorCode } from '../api/contract.ts';
import type { RunningProcess, Transport } from '../transport/types.ts';
import { readBuildId } from './build-id.ts';
import { cachedDebuginfoPath, remoteCacheDirScript, tempPrefix } from './debuginfod-cache.ts';
import type { FetchProgress, FetchedDebuginfo } from './debuginfod-fetch.ts';

// Protocol on stdout, one line each: cache DIR | tool NAME | no-urls | server URL |
// progress BYTES TOTAL|? | result URL ok|404|unreachable|timeout|http CODE|failed TEXT | done FILE
const script = `
id=$1; to=$2; shift 2
${remoteCacheDirScript}
echo "cache $c"
urls="$*"
[ -n "$urls" ] || urls=$DEBUGINFOD_URLS
[ -n "$urls" ] || urls=$(cat /etc/debuginfod/*.urls 2>/dev/null | tr '\\n' ' ')
case $urls in *[!\\ \\	]*) ;; *) echo no-urls; exit 3 ;; esac
dir=$c/$id
mkdir -p "$c" && mkdir -p -m 700 "$dir" || { echo "result - failed cannot create $dir"; exit 4; }
for f in "$dir"/${tempPrefix}*; do
  [ -e "$f" ] || continue
  p=\${f##*/${tempPrefix}}; p=\${p%%-*}
  kill -0 "$p" 2>/dev/null || rm -rf "$f"
done
stage=$dir/${tempPrefix}$$-stage
file=$dir/${tempPrefix}$$-file
hdr=$dir/${tempPrefix}$$-hdr
trap 'rm -rf "$stage" "$file" "$hdr"; rmdir "$dir" 2>/dev/null; exit 130' INT TERM HUP
if command -v debuginfod-find >/dev/null 2>&1; then tool=debuginfod-find
elif command -v curl >/dev/null 2>&1; then tool=curl
elif command -v wget >/dev/null 2>&1; then tool=wget
else echo "tool none"; rmdir "$dir" 2>/dev/null; exit 5; fi
echo "tool $tool"
watch() {
  while kill -0 "$1" 2>/dev/null; do
    n=$(wc -c <"$file" 2>/dev/null || echo 0)
    len=$(sed -n 's/^[Cc]ontent-[Ll]ength:[ ]*\\([0-9][0-9]*\\).*/\\1/p' "$hdr" 2>/dev/null | tail -n 1)
    echo "progress $n \${len:-?}"
    sleep 1
  done
}
for u in $urls; do
  case $u in http://*|https://*) ;; *) continue ;; esac
  while [ "\${u%/}" != "$u" ]; do u=\${u%/}; done
  echo "server $u"
  rm -rf "$stage" "$file" "$hdr"
  if [ $tool = debuginfod-find ]; then
    mkdir -m 700 "$stage"
    DEBUGINFOD_URLS=$u DEBUGINFOD_CACHE_PATH=$stage DEBUGINFOD_TIMEOUT=$to DEBUGINFOD_PROGRESS=1 debuginfod-find debuginfo "$id" >/dev/null 2>"$hdr" &
    pid=$!
    ( while kill -0 $pid 2>/dev/null; do n=$(ls -l "$stage/$id"/debuginfo.?????? 2>/dev/null | awk '{ print $5 }' | tail -n 1); echo "progress \${n:-0} ?"; sleep 1; done ) &
    wait $pid; rc=$?
    if [ $rc = 0 ] && [ -s "$stage/$id/debuginfo" ]; then mv -f "$stage/$id/debuginfo" "$file"; rm -rf "$stage" "$hdr"; echo "result $u ok"; echo "done $file"; exit 0; fi
    said=$(tr '\\r' '\\n' <"$hdr" | grep -v '^Downloading' | grep . | tail -n 1)
    case $said in
      *"No such file"*) echo "result $u 404" ;;
      *"Timer expired"*|*imed*out*) echo "result $u timeout" ;;
      *refused*|*resolve*|*unreachable*|*"Network"*) echo "result $u unreachable $said" ;;
      *) echo "result $u failed \${said:-debuginfod-find exit $rc}" ;;
    esac
    rm -rf "$stage" "$hdr"
  else
    if [ $tool = curl ]; then
      curl -sS -L --connect-timeout "$to" -y "$to" -Y 1 -D "$hdr" -o "$file" "$u/buildid/$id/debuginfo" 2>/dev/null &
    else
      wget -q -S -T "$to" -O "$file" "$u/buildid/$id/debuginfo" 2>"$hdr" &
    fi
    pid=$!
    watch $pid &
    wait $pid; rc=$?
    code=$(sed -n 's/^ *HTTP\\/[0-9.]* \\([0-9][0-9]*\\).*/\\1/p' "$hdr" 2>/dev/null | tail -n 1)
    if [ $rc = 0 ] && [ "$code" = 200 ]; then rm -f "$hdr"; echo "result $u ok"; echo "done $file"; exit 0; fi
    if [ "$code" = 404 ]; then echo "result $u 404"
    elif [ -n "$code" ] && [ "$code" != 200 ]; then echo "result $u http $code"
    elif [ $tool = curl ] && [ $rc = 28 ]; then echo "result $u timeout"
    elif [ $tool = curl ] && { [ $rc = 6 ] || [ $rc = 7 ]; }; then echo "result $u unreachable curl exit $rc"
    elif [ $tool = wget ] && [ $rc = 4 ]; then echo "result $u unreachable wget exit 4"
    else echo "result $u failed $tool exit $rc"; fi
    rm -f "$file" "$hdr"
  fi
done
rmdir "$dir" 2>/dev/null
exit 6
`;

/** Options of fetchOnHost. */
export interface RemoteFetchOptions {
  transport: Transport;
  buildId: string;
  /** Servers to use there; empty: that host's own DEBUGINFOD_URLS or /etc/debuginfod/*.urls. */
  servers: readonly string[];
  stallTimeoutMs: number;
  /** Variables for the script on that host (e.g. DEBUGINFOD_CACHE_PATH), set by `env`. */
  hostEnv?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  onProgress?(p: FetchProgress): void;
}

interface Outcome {
  server: string;
  code: ApiErrorCode;
  said: string;
}

/** Fetch on the transport's host; resolves with the verified file's path there. */
export async function fetchOnHost(o: RemoteFetchOptions): Promise<FetchedDebuginfo> {
  const t = o.transport;
  const to = String(Math.max(1, Math.round(o.stallTimeoutMs / 1000)));
  const env = o.hostEnv ? { env: o.hostEnv } : {};
  const proc = await t.spawn({ command: 'sh', args: ['-c', script, 'crashdeck-debuginfod', o.buildId, to, ...o.servers], ...env });
  let cache: string | null = null;
  let server = '';
  let done: string | null = null;
  let noUrls = false;
  let tool = '';
  const outcomes: Outcome[] = [];
  let buf = '';
  const onLine = (line: string): void => {
    const [word, ...rest] = line.split(' ');
    const arg = rest.join(' ');
    if (word === 'cache') cache = arg;
    else if (word === 'tool') tool = arg;
    else if (word === 'no-urls') noUrls = true;
    else if (word === 'server') server = arg;
    else if (word === 'progress') {
      const [n, total] = rest;
      o.onProgress?.({ server, bytes: Number(n) || 0, total: total && /^\d+$/.test(total) ? Number(total) : null });
    } else if (word === 'result') {
      const [, what, ...more] = rest;
      const said = more.join(' ');
      if (what === 'ok') return;
      const code: ApiErrorCode = what === '404' ? 'debuginfod-not-found' : what === 'timeout' ? 'timeout' : 'debuginfod-unreachable';
      const text = what === '404' ? 'not found (404)' : what === 'timeout' ? `sent nothing for ${to} s (timed out)` : what === 'http' ? `HTTP ${said}` : what === 'unreachable' ? `unreachable: ${said}` : said;
      outcomes.push({ server: rest[0] ?? server, code, said: text });
    } else if (word === 'done') done = arg;
  };
  proc.onStdout((chunk) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  const exited = new Promise<void>((resolve) => proc.onExit(() => resolve()));
  const onAbort = (): void => proc.kill('SIGTERM');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await exited;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (o.signal?.aborted) {
    await cleanup(t, cache, o.buildId, proc, o.hostEnv);
    throw new ApiError('cancelled', `download of the debuginfo for ${o.buildId} on ${t.label} cancelled; nothing was left in ${cache ?? 'the cache'}`);
  }
  if (noUrls) throw new ApiError('debuginfod-not-configured', `no debuginfod server configured here or on ${t.label}`, 'Set DEBUGINFOD_URLS (here, or in /etc/debuginfod/*.urls on that host) or add "debuginfodUrls" to ~/.config/crashdeck/settings.json.');
  if (tool === 'none') throw new ApiError('debuginfod-unreachable', `${t.label} has none of debuginfod-find, curl, wget to fetch the debuginfo with`, 'Install debuginfod (Debian/Ubuntu: apt install debuginfod) or curl on that host, or copy the debug vmlinux there and give its path.');
  if (done === null || cache === null) throw remoteFailure(o.buildId, t.label, outcomes);
  const file: string = done;
  const got = await readBuildId(t, file).catch((err: Error) => ({ buildId: null, reason: err.message }));
  if (got.buildId !== o.buildId) {
    await t.exec({ command: 'sh', args: ['-c', 'rm -f -- "$1"; rmdir -- "${1%/*}" 2>/dev/null; exit 0', 'crashdeck-debuginfod', file] }).catch(() => undefined);
    throw new ApiError('vmlinux-mismatch', `could not fetch the debuginfo for build-id ${o.buildId} on ${t.label}: ${server} sent ${got.buildId ? `a file with build-id ${got.buildId}` : 'a file without that build-id'}: refused and deleted`, 'The server is misconfigured or not what its URL says. Try another server.');
  }
  const target = cachedDebuginfoPath(cache, o.buildId);
  const mv = await t.exec({ command: 'sh', args: ['-c', 'chmod 0400 "$1" && mv -f "$1" "$2" || { rm -f "$1"; exit 1; }', 'crashdeck-debuginfod', file, target], ...env });
  if (mv.code !== 0) throw new ApiError('internal', `cannot move the fetched debuginfo into ${target} on ${t.label}: ${mv.stderr.trim()}`);
  const st = await t.stat(target).catch(() => null);
  return { path: target, server, bytes: st?.size ?? 0 };
}

async function cleanup(t: Transport, cache: string | null, buildId: string, proc: RunningProcess, hostEnv: Readonly<Record<string, string>> | undefined): Promise<void> {
  proc.kill('SIGKILL');
  if (!cache) return;
  // The script's trap removes its temps on TERM; over SSH the signal may arrive as a SIGKILL
  // from the remote guard instead, so remove every temp whose writer is gone.
  const dir = `${cache}/${buildId}`;
  await t.exec({ command: 'sh', args: ['-c', `for f in "$1"/${tempPrefix}*; do [ -e "$f" ] || continue; p=\${f##*/${tempPrefix}}; p=\${p%%-*}; kill -0 "$p" 2>/dev/null || rm -rf "$f"; done; rmdir "$1" 2>/dev/null; exit 0`, 'crashdeck-debuginfod', dir], ...(hostEnv ? { env: hostEnv } : {}) }, { timeoutMs: 15_000 }).catch(() => undefined);
}

function remoteFailure(buildId: string, label: string, outcomes: readonly Outcome[]): ApiError {
  const list = outcomes.map((x) => `${x.server}: ${x.said}`).join('; ') || 'no server answered';
  if (outcomes.length && outcomes.every((x) => x.code === 'debuginfod-not-found')) {
    return new ApiError('debuginfod-not-found', `no debuginfod server has the debuginfo for build-id ${buildId} (asked from ${label}: ${list})`, 'Add a server that carries your distribution\'s kernels to DEBUGINFOD_URLS, or install the kernel\'s debug package on that host.');
  }
  const code = (['timeout', 'debuginfod-unreachable'] as const).find((c) => outcomes.some((x) => x.code === c)) ?? 'debuginfod-unreachable';
  return new ApiError(code, `could not fetch the debuginfo for build-id ${buildId} on ${label}: ${list}`, code === 'timeout' ? 'The server is slow or stuck: try again later, raise DEBUGINFOD_TIMEOUT (seconds), or use another server.' : 'Check the URL and that host\'s network (proxy, firewall), or install the kernel\'s debug package there.');
}
