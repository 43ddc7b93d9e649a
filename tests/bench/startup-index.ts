/**
 * crash start-up with a gdb index for the vmlinux, side by side in one run (issue 23): for the
 * 6.1 and the 6.12 vmlinux and crash 8.0.6 and 9.0.2, `echo quit | crash -s VMLINUX VMCORE`
 *  - plain: the vmlinux as the -dbg package ships it;
 *  - indexed: a copy with a .gdb_index section (`gdb-add-index`, timed, size growth printed);
 *  - index-cache: the plain file with `set index-cache on` in a private ~/.gdbinit (crash's gdb
 *    reads it), after one warm-up start that writes ~/.cache/gdb/<build-id>.gdb-index.
 * The three alternate for CRASHDECK_BENCH_ROUNDS rounds (default 2); the median wall time of
 * each is printed with its ratio to plain. Nothing is made a default from here: the numbers go
 * to the README only when they hold up on an idle machine. Needs ~1 GB free in the temp dir
 * (the indexed copies); they are removed at the end. CRASHDECK_BENCH_INDEX_KERNELS (6.1,6.12) and
 * CRASHDECK_BENCH_INDEX_CRASH (8.0.6,9.0.2) narrow it.
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
    const kernels: Array<[string, Scenario]> = [['6.1', 'panic-sysrq'], ['6.12', 'oops-syscall-6.12']];
    for (const [kernel, scenario] of kernels.filter(([k]) => !onlyKernels || onlyKernels.includes(k))) {
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
      for (const [name, crash] of ([['8.0.6', crash806], ['9.0.2', crash902]] as const).filter(([n]) => !onlyCrash || onlyCrash.includes(n)).map(([n, f]) => [n, f()] as const)) {
        const vmcore = vmcorePath(scenario);
        await startOnce(crash, plain, vmcore, cacheEnv); // warm-up: writes the index cache
        const times: Record<'plain' | 'indexed' | 'index-cache', number[]> = { plain: [], indexed: [], 'index-cache': [] };
        for (let r = 0; r < rounds; r++) {
          times.plain.push(await startOnce(crash, plain, vmcore, process.env));
          times.indexed.push(await startOnce(crash, indexed, vmcore, process.env));
          times['index-cache'].push(await startOnce(crash, plain, vmcore, cacheEnv));
        }
        const p = median(times.plain);
        console.log(
          `crash ${name} on ${kernel} (${scenario}), median of ${rounds}: plain ${sec(p)}; indexed copy ${sec(median(times.indexed))} (ratio ${(median(times.indexed) / p).toFixed(2)}); ` +
            `index-cache ${sec(median(times['index-cache']))} (ratio ${(median(times['index-cache']) / p).toFixed(2)})`,
        );
      }
      rmSync(indexed, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
