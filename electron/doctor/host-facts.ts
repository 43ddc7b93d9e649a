/**
 * Facts about the host that holds (or writes) the dumps, gathered by one small POSIX sh script
 * run through any Transport (this machine or SSH): its kernel and distribution, makedumpfile and
 * its version, whether kdump is installed and armed, whether `sudo -n` works.
 */
import type { Transport } from '../transport/types.ts';

/** What the script found. Empty strings mean "not there / unknown". */
export interface HostFacts {
  kernel: string;
  osId: string;
  osLike: string;
  osCodename: string;
  makedumpfilePath: string;
  makedumpfileVersion: string;
  /** kdump-config (Debian/Ubuntu kdump-tools) or kdumpctl (RHEL/Fedora kexec-tools), when installed. */
  kdumpTool: string;
  /** /sys/kernel/kexec_crash_loaded: '1' armed, '0' not, '' no such file. */
  kexecCrashLoaded: string;
  /** crashkernel= from /proc/cmdline, '' when none reserved. */
  crashkernel: string;
  sudo: 'yes' | 'no' | 'missing';
  /** Where the crash name given to the script resolves on PATH ('' when it does not). */
  crashOnPath: string;
}

/** The script: one "key=value" line each, values on one line. */
export const hostFactsScript = String.raw`
LC_ALL=C; export LC_ALL
out() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n\r' '  ')"; }
out kernel "$(uname -r 2>/dev/null)"
[ -z "\${1:-}" ] || out crash.which "$(command -v "$1" 2>/dev/null)"
if [ -r /etc/os-release ]; then
  out os.id "$(. /etc/os-release 2>/dev/null; echo "\${ID:-}")"
  out os.like "$(. /etc/os-release 2>/dev/null; echo "\${ID_LIKE:-}")"
  out os.codename "$(. /etc/os-release 2>/dev/null; echo "\${VERSION_CODENAME:-}")"
fi
p=$(command -v makedumpfile 2>/dev/null || true)
[ -n "$p" ] || for c in /usr/sbin/makedumpfile /sbin/makedumpfile; do [ -x "$c" ] && p=$c && break; done
out makedumpfile.path "$p"
[ -z "$p" ] || out makedumpfile.version "$("$p" -v 2>&1 | sed -n 's/^makedumpfile: version \([0-9][^ ]*\).*/\1/p' | head -n 1)"
k=''
for c in kdump-config kdumpctl; do
  if command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || [ -x "/sbin/$c" ]; then k=$c; break; fi
done
out kdump.tool "$k"
out kexec.crash_loaded "$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)"
out cmdline.crashkernel "$(tr ' ' '\n' < /proc/cmdline 2>/dev/null | sed -n 's/^crashkernel=//p' | head -n 1)"
if command -v sudo >/dev/null 2>&1; then
  if sudo -n true >/dev/null 2>&1; then out sudo yes; else out sudo no; fi
else
  out sudo missing
fi
exit 0
`.replaceAll('\\$', '$');

/** Parse the script's output; unknown keys are ignored. */
export function parseHostFacts(text: string): HostFacts {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const get = (k: string): string => kv.get(k) ?? '';
  const sudo = get('sudo');
  return {
    kernel: get('kernel'),
    osId: get('os.id'),
    osLike: get('os.like'),
    osCodename: get('os.codename'),
    makedumpfilePath: get('makedumpfile.path'),
    makedumpfileVersion: get('makedumpfile.version'),
    kdumpTool: get('kdump.tool'),
    kexecCrashLoaded: get('kexec.crash_loaded'),
    crashkernel: get('cmdline.crashkernel'),
    sudo: sudo === 'yes' ? 'yes' : sudo === 'no' ? 'no' : 'missing',
    crashOnPath: get('crash.which'),
  };
}

/** Run the script on the transport's host (`crash`: the crash name or path to look up on PATH). */
export async function gatherHostFacts(t: Transport, crash = 'crash'): Promise<HostFacts> {
  const r = await t.exec({ command: 'sh', args: ['-c', hostFactsScript, 'crashdeck-doctor', crash] }, { timeoutMs: 30_000, maxBytes: 256 * 1024 });
  return parseHostFacts(r.stdout);
}
