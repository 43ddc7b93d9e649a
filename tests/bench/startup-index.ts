/**
 * crash start-up with a gdb index for the vmlinux, side by side in one run (issue 23): for the
 * 6.1 and the 6.12 vmlinux and crash 8.0.6 and 9.0.2, `echo quit | crash -s VMLINUX VMCORE`
 *  - plain: the vmlinux as the -dbg package ships it;
 *  - indexed: a copy with a .gdb_index section (`gdb-add-index`, timed, size growth printed);
 *  - index-cache: the plain file with `set index-cache on` in a private ~/.gdbinit (crash's gdb
 *    reads it), after one warm-up start that writes ~/.cache/gdb/<build-id>.gdb-index.
 * The three alternate for CRASHDECK_BENCH_ROUNDS rounds (default 2); the median wall time of
 * each is printed with its ratio to plain. The indexed copy is the default
 * (electron/crash/gdb-index.ts); the README gives the figures of the run that decided it.
 * Needs ~1 GB free in the temp dir (the indexed copies); they are removed at the end. CRASHDECK_BENCH_INDEX_KERNELS (6.1,6.12) and
 * CRASHDECK_BENCH_INDEX_CRASH (8.0.6,9.0.2) narrow it; CRASHDECK_BENCH_INDEX_PAIRS (e.g.
 * `6.12:8.0.6,6.12:9.0.2,6.1:8.0.6`) picks exact kernel:crash pairs, and
 * CRASHDECK_BENCH_INDEX_CACHE=0 leaves out the index-cache variant (saves a warm-up and a third
 * of the starts on a loaded machine). Each start's wall time is printed as it finishes, so a
 * run cut short still leaves figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crash806, crash902, vmcorePath, vmlinuxPath, type Scenario } from '../support/fixtures.ts';

/** Wall ms of one crash start on the dump (crash quits at once). */
function startOnce(crash: string, vmlinux: string, vmcore: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(crash, ['-s', '--no_crashrc', vmlinux, vmcore], { stdio: ['pipe', 'ignore', 'ignore'], env });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`crash exited ${code} on ${vmcore}`))));
    child.stdin.end('quit\n');
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export async function runBench(): Promise<void> {
  const rounds = Number(process.env.CRASHDECK_BENCH_ROUNDS ?? 2);
  const work = mkdtempSync(path.join(tmpdir(), 'crashdeck-bench-index-'));
  try {
    const onlyKernels = process.env.CRASHDECK_BENCH_INDEX_KERNELS?.split(',');
    const onlyCrash = process.env.CRASHDECK_BENCH_INDEX_CRASH?.split(',');
    const pairs = process.env.CRASHDECK_BENCH_INDEX_PAIRS?.split(',');
    const withCache = process.env.CRASHDECK_BENCH_INDEX_CACHE !== '0';
    const wantPair = (kernel: string, crash: string): boolean =>
      (!onlyCrash || onlyCrash.includes(crash)) && (!pairs || pairs.includes(`${kernel}:${crash}`));
    const kernels: Array<[string, Scenario]> = [['6.1', 'panic-sysrq'], ['6.12', 'oops-syscall-6.12']];
    const kernelWanted = (k: string): boolean =>
      (!onlyKernels || onlyKernels.includes(k)) && (!pairs || pairs.some((p) => p.startsWith(`${k}:`)));
    for (const [kernel, scenario] of kernels.filter(([k]) => kernelWanted(k))) {
      const plain = vmlinuxPath(scenario);
      const indexed = path.join(work, `vmlinux-${kernel}`);
      copyFileSync(plain, indexed);
      const t0 = performance.now();
      execFileSync('gdb-add-index', [indexed], { stdio: 'ignore' });
      const grow = statSync(indexed).size - statSync(plain).size;
      console.log(`${kernel} vmlinux: gdb-add-index took ${sec(performance.now() - t0)}, +${(grow / 1e6).toFixed(0)} MB`);
      const home = path.join(work, `home-${kernel}`);
      mkdirSync(home, { recursive: true });
      writeFileSync(path.join(home, '.gdbinit'), 'set index-cache on\n');
      const cacheEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
      for (const [name, crash] of ([['8.0.6', crash806], ['9.0.2', crash902]] as const).filter(([n]) => wantPair(kernel, n)).map(([n, f]) => [n, f()] as const)) {
        const vmcore = vmcorePath(scenario);
        if (withCache) await startOnce(crash, plain, vmcore, cacheEnv); // warm-up: writes the index cache
        const times: Record<'plain' | 'indexed' | 'index-cache', number[]> = { plain: [], indexed: [], 'index-cache': [] };
        const timed = async (variant: keyof typeof times, file: string, env: NodeJS.ProcessEnv, round: number): Promise<void> => {
          const ms = await startOnce(crash, file, vmcore, env);
          times[variant].push(ms);
          console.log(`  crash ${name} on ${kernel}, round ${round + 1}: ${variant} ${sec(ms)}`);
        };
        for (let r = 0; r < rounds; r++) {
          await timed('plain', plain, process.env, r);
          await timed('indexed', indexed, process.env, r);
          if (withCache) await timed('index-cache', plain, cacheEnv, r);
          const ratios = times.indexed.map((ms, i) => (ms / (times.plain[i] as number)).toFixed(2));
          console.log(`  crash ${name} on ${kernel}, round ${r + 1}: indexed/plain ${ratios[r]}`);
        }
        const p = median(times.plain);
        const cacheLine = withCache
          ? `; index-cache ${sec(median(times['index-cache']))} (ratio ${(median(times['index-cache']) / p).toFixed(2)})`
          : '';
        console.log(
          `crash ${name} on ${kernel} (${scenario}), median of ${rounds}: plain ${sec(p)}; indexed copy ${sec(median(times.indexed))} (ratio ${(median(times.indexed) / p).toFixed(2)})${cacheLine}`,
        );
      }
      rmSync(indexed, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
