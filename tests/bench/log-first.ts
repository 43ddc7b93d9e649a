/**
 * Verdict first (issue 14), side by side in one run:
 * 1. `crashdeck triage <vmcore> --json` per fixture from the dump's own kernel log (a bare copy,
 *    no vmlinux, no crash; goal <= 1 s wall) beside the crash-based triage of the same dump
 *    (crash 8.0.6 + vmlinux), and the in-process triageFromDumpLog (without CLI start-up);
 * 2. fresh opens of a never-seen dump in Chromium: page load -> panic + verdict painted (goal
 *    <= 1 s) beside page load -> crash ready (goal ratio <= 0.15), each run and the median.
 * Wall times on a shared box swing with load; the load average is printed beside them.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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

/** Page-load-relative times (performance.now(): navigation start = 0) the page records itself. */
interface OpenTimes {
  verdict: number | null;
  stateAtVerdict: string | null;
  ready: number | null;
}

/**
 * Installed before any page script: a MutationObserver notes when the verdict's culprit enters the
 * DOM and when crash's status turns ready; "painted" is the first task after the next frame (rAF,
 * then a timeout), so the number is the page's own, not Playwright's polling round trips.
 */
function watchVerdict(): void {
  const w = window as unknown as { __openTimes: OpenTimes };
  w.__openTimes = { verdict: null, stateAtVerdict: null, ready: null };
  const t = w.__openTimes;
  let seen = false;
  new MutationObserver((_m, obs) => {
    const state = document.querySelector('[data-testid="session-status"]')?.getAttribute('data-state') ?? null;
    if (!seen && document.querySelector('[data-testid="verdict-card"] [data-testid="verdict-culprit-name"]')) {
      seen = true;
      requestAnimationFrame(() => setTimeout(() => ((t.verdict = performance.now()), (t.stateAtVerdict = state))));
    }
    if (t.ready === null && /^(ready|busy)$/.test(state ?? '')) t.ready = performance.now();
    if (seen && t.ready !== null) obs.disconnect();
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
}

/** One fresh open (a new serve host, so crash starts anew; a new context: empty IndexedDB). */
async function openOnce(browser: Browser): Promise<OpenTimes> {
  const host = await startServe({ open: vmcorePath('oom-slab-leak'), vmlinux: vmlinuxPath('oom-slab-leak'), crash: crash806() });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(watchVerdict);
    await page.goto(host.url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => {
      const t = (window as unknown as { __openTimes: OpenTimes }).__openTimes;
      return t.verdict !== null && t.ready !== null;
    }, undefined, { timeout: 180_000, polling: 200 });
    return await page.evaluate(() => (window as unknown as { __openTimes: OpenTimes }).__openTimes);
  } finally {
    await context.close();
    await host.stop();
  }
}

const opens = 5;

/** Fresh opens in Chromium: verdict painted vs crash ready, each run and the median. */
async function benchOpen(): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const runs: OpenTimes[] = [];
  try {
    console.log(`\nFresh open of oom-slab-leak in Chromium, ${opens} runs (never seen; page navigation start = 0; load average ${loadavg()[0]!.toFixed(2)})`);
    for (let i = 0; i < opens; i++) {
      const t = await openOnce(browser);
      runs.push(t);
      console.log(`  run ${i + 1}: panic + OOM verdict painted ${fmt(t.verdict)} (session ${t.stateAtVerdict ?? '?'}), crash ready ${fmt(t.ready)}`);
    }
  } finally {
    await browser.close();
  }
  const verdict = median(runs.map((r) => r.verdict));
  const ready = median(runs.map((r) => r.ready));
  const worst = Math.max(...runs.map((r) => r.verdict ?? Infinity));
  console.log(`panic + OOM verdict painted (from the kernel log): median ${fmt(verdict)}, worst ${fmt(worst)}  ${worst <= 1000 ? 'ok' : 'OVER'} (1 s goal)`);
  console.log(`crash ready:                                      median ${fmt(ready)}`);
  if (verdict !== null && ready !== null) {
    const ratio = verdict / ready;
    console.log(`ratio verdict/crash-ready (medians): ${ratio.toFixed(3)}  ${ratio <= 0.15 ? 'ok' : 'OVER'} (goal <= 0.15)`);
  }
}

function median(xs: Array<number | null>): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length === xs.length && v.length > 0 ? v[Math.floor(v.length / 2)]! : null;
}

function fmt(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? 'never' : `${ms.toFixed(0)} ms`;
}

/** Run both and print their side-by-side lines. */
export async function runBench(): Promise<void> {
  await benchCli();
  await benchOpen();
}
