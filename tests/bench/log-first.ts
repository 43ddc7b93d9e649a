/**
 * Verdict first (issue 14), side by side in one run:
 * 1. `crashdeck triage <vmcore> --json` per fixture from the dump's own kernel log (a bare copy,
 *    no vmlinux, no crash; goal <= 1 s wall) beside the crash-based triage of the same dump
 *    (crash 8.0.6 + vmlinux), and the in-process triageFromDumpLog (without CLI start-up);
 * 2. a fresh open of a never-seen dump in Chromium: page load -> panic + verdict painted
 *    beside page load -> crash ready (goal ratio <= 0.15).
 * Wall times on a shared box swing with load; the load average is printed beside them.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { triageFromDumpLog } from '../../electron/dumpinfo/log-triage.ts';
import { LocalTransport } from '../../electron/transport/local.ts';
import { chromiumArgs, chromiumPath } from '../e2e/chromium.ts';
import { startServe } from '../e2e/serve-host-fixture.ts';
import { runCrashdeck } from '../support/cli.ts';
import { allScenarios, crash806, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';

async function wall<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** CLI wall times per fixture: log-based vs crash-based. */
async function benchCli(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-bench-log-'));
  const t = new LocalTransport();
  try {
    console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`${'fixture'.padEnd(26)} ${'log CLI'.padStart(9)} ${'in-proc'.padStart(9)} ${'crash CLI'.padStart(10)}  log/crash  goal <= 1 s`);
    for (const s of allScenarios) {
      const d = mkdtempSync(path.join(dir, `${s}-`));
      const bare = path.join(d, 'vmcore');
      copyFileSync(vmcorePath(s), bare);
      const log = await wall(() => runCrashdeck(['triage', bare, '--crash', '/nonexistent/crash', '--json'], { CRASHDECK_CRASH: '' }));
      const inProc = await wall(() => triageFromDumpLog(t, bare));
      const crash = await wall(() => runCrashdeck(['triage', vmcorePath(s), '--vmlinux', vmlinuxPath(s), '--crash', crash806(), '--json']));
      const basisOk = log.value.code === 0 && /"basis": "log"/.test(log.value.stdout) && crash.value.code === 0 && /"basis": "crash"/.test(crash.value.stdout);
      console.log(
        `${s.padEnd(26)} ${`${log.ms.toFixed(0)} ms`.padStart(9)} ${`${inProc.ms.toFixed(0)} ms`.padStart(9)} ${`${crash.ms.toFixed(0)} ms`.padStart(10)}  ${(log.ms / crash.ms).toFixed(3).padStart(9)}  ${log.ms <= 1000 ? 'ok' : 'OVER'}${basisOk ? '' : '  (a run failed: check basis/exit code)'}`,
      );
    }
    console.log('(log CLI: bare copy, --crash missing, no vmlinux; in-proc: triageFromDumpLog without Node/tsx start-up; crash CLI: crash 8.0.6 + vmlinux)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fresh open in Chromium: verdict painted vs crash ready. */
async function benchOpen(): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const host = await startServe({ open: vmcorePath('oom-slab-leak'), vmlinux: vmlinuxPath('oom-slab-leak'), crash: crash806() });
  try {
    // A new context: empty IndexedDB, the dump was never seen.
    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url, { waitUntil: 'domcontentloaded' });
    const times = await page.evaluate(async () => {
      const out: { verdict: number | null; ready: number | null; stateAtVerdict: string | null } = { verdict: null, ready: null, stateAtVerdict: null };
      const deadline = performance.now() + 180_000;
      while ((out.verdict === null || out.ready === null) && performance.now() < deadline) {
        const now = performance.now();
        if (out.verdict === null && document.querySelector('[data-testid="verdict-card"] [data-testid="verdict-culprit-name"]')) {
          out.verdict = now;
          out.stateAtVerdict = document.querySelector('[data-testid="session-status"]')?.getAttribute('data-state') ?? null;
        }
        if (out.ready === null && /^(ready|busy)$/.test(document.querySelector('[data-testid="session-status"]')?.getAttribute('data-state') ?? '')) out.ready = now;
        await new Promise((r) => requestAnimationFrame(r));
      }
      // performance.now() counts from navigation start: these are page-load-relative times.
      return out;
    });
    console.log('\nFresh open of oom-slab-leak in Chromium (never seen; page navigation start = 0)');
    console.log(`panic + OOM verdict painted (from the kernel log): ${times.verdict === null ? 'never' : `${times.verdict.toFixed(0)} ms`} (session was ${times.stateAtVerdict ?? '?'})  ${times.verdict !== null && times.verdict <= 1000 ? 'ok' : 'OVER'} (1 s goal)`);
    console.log(`crash ready:                                      ${times.ready === null ? 'never' : `${times.ready.toFixed(0)} ms`}`);
    if (times.verdict !== null && times.ready !== null) {
      const ratio = times.verdict / times.ready;
      console.log(`ratio verdict/crash-ready: ${ratio.toFixed(3)}  ${ratio <= 0.15 ? 'ok' : 'OVER'} (goal <= 0.15)`);
    }
    await page.context().close();
  } finally {
    await host.stop();
    await browser.close();
  }
}

/** Run both and print their side-by-side lines. */
export async function runBench(): Promise<void> {
  await benchCli();
  await benchOpen();
}
