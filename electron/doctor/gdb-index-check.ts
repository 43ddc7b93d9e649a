/**
 * `crashdeck doctor`'s line for the gdb-indexed vmlinux copies (crash/gdb-index.ts) on the host
 * that runs crash: off, gdb-add-index missing (nothing is built; crash starts from the plain
 * vmlinux), building, or the copies found with their disk use and the bound.
 */
import { buildingPrefix, gdbIndexEnabled, indexedName, maxIndexedCopies } from '../crash/gdb-index.ts';
import type { Settings } from '../settings.ts';
import { debuginfodCacheDir, remoteCacheDirScript } from '../symbols/debuginfod-cache.ts';
import { shellQuote } from '../transport/quote.ts';
import type { Transport } from '../transport/types.ts';
import type { DoctorCheck } from './types.ts';

const title = 'gdb-indexed vmlinux (faster crash start)';

/** One file line of the listing script: `<size> <path>`. */
interface Listed {
  size: number;
  path: string;
}

/** Parse the listing: "tool yes|no", "dir <cache>", then `<size> <path>` lines. */
export function parseIndexListing(text: string): { tool: boolean; dir: string | null; copies: Listed[]; building: Listed[] } {
  const lines = text.split('\n');
  const tool = lines.includes('tool yes');
  const dir = lines.find((l) => l.startsWith('dir '))?.slice(4) ?? null;
  const files = lines.flatMap((l) => {
    const m = /^(\d+) (\/.*)$/.exec(l);
    return m ? [{ size: Number(m[1]), path: m[2] as string }] : [];
  });
  return {
    tool,
    dir,
    copies: files.filter((f) => f.path.endsWith(`/${indexedName}`)),
    building: files.filter((f) => f.path.slice(f.path.lastIndexOf('/') + 1).startsWith(buildingPrefix)),
  };
}

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/** The doctor check; `env` and `settings` are this machine's (the switch is the user's). */
export async function gdbIndexCheck(t: Transport, where: string, env: NodeJS.ProcessEnv, settings: Settings): Promise<DoctorCheck> {
  if (!gdbIndexEnabled(env, settings)) {
    return { id: 'gdb-index', where, title, status: 'skip', detail: 'off (settings.json "gdbIndex": false or CRASHDECK_GDB_INDEX=0): crash reads the plain vmlinux' };
  }
  const dirLine = t.kind === 'local' ? `c=${shellQuote(debuginfodCacheDir(env))}` : remoteCacheDirScript;
  const script = [
    dirLine,
    'if command -v gdb-add-index >/dev/null 2>&1; then echo "tool yes"; else echo "tool no"; fi',
    'printf "dir %s\\n" "$c"',
    `for f in "$c"/*/${indexedName}; do [ -f "$f" ] && printf '%s %s\\n' "$(wc -c < "$f")" "$f"; done`,
    // Only temps whose builder (the sh named by the pid suffix) is alive are builds in progress.
    `for f in "$c"/*/${buildingPrefix}*; do [ -f "$f" ] && kill -0 "\${f##*-}" 2>/dev/null && printf '%s %s\\n' "$(wc -c < "$f")" "$f"; done`,
    'exit 0',
  ].join('\n');
  const r = await t.exec({ command: 'sh', args: ['-c', script] }, { timeoutMs: 15_000 }).catch(() => null);
  if (!r || r.code !== 0) return { id: 'gdb-index', where, title, status: 'warn', detail: 'could not list the debuginfod client cache there', fix: 'Check that sh runs there and the cache directory is readable.' };
  const l = parseIndexListing(r.stdout);
  if (!l.tool) {
    return { id: 'gdb-index', where, title, status: 'warn', detail: 'gdb-add-index is missing, so no indexed copy is built: crash reads the plain vmlinux (about twice as slow to start)', fix: `${t.kind === 'ssh' ? `On ${t.label}: ` : ''}apt-get install gdb (it provides gdb-add-index), or dnf install gdb.` };
  }
  const used = l.copies.reduce((n, c) => n + c.size, 0);
  const bound = `at most ${maxIndexedCopies} copies are kept, the oldest removed first`;
  const building = l.building.length ? `; building ${l.building.map((b) => b.path).join(', ')}` : '';
  const detail = l.copies.length
    ? `${l.copies.length} indexed cop${l.copies.length === 1 ? 'y' : 'ies'} in ${l.dir ?? 'the debuginfod cache'} (${gb(used)}; ${bound})${building}`
    : `none yet in ${l.dir ?? 'the debuginfod cache'}: one is built in the background after a dump is first opened (${bound})${building}`;
  return { id: 'gdb-index', where, title, status: 'ok', detail };
}
