/**
 * The measured rows of electron/crash/crash-requirements.ts, measured again: bookworm's crash
 * 8.0.2 on a Debian 6.1 and a 6.12 fixture, 8.0.6 on the 6.12 one (8.0.6 on 6.1 is
 * install-crash.test.ts's; 9.0.2 runs every fixture in the parser suites). A crash the table calls
 * new enough must list every task the 8.0.6 transcript lists without the PID-hash warning; one it
 * calls too old must fail to start or miss tasks.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { crashNewEnough } from '../../../electron/crash/crash-requirements.ts';
import { crash802, crash806, fixtureMeta, transcript, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';

const taskLines = (text: string): number => text.split('\n').filter((l) => /^[> ]\s*\d+\s+\d+\s+\d+\s+[0-9a-f]{16}/.test(l)).length;

function readsCorrectly(crash: string, scenario: Scenario): { ok: boolean; said: string } {
  const r = spawnSync(crash, ['-s', '--no_crashrc', vmlinuxPath(scenario), vmcorePath(scenario)], { input: 'ps\nquit\n', encoding: 'utf8', timeout: 150_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  const ok = r.status === 0 && !/not found in PID hash|invalid structure member offset/.test(out) && taskLines(r.stdout) === taskLines(transcript(scenario, 'ps'));
  return { ok, said: out.slice(0, 400) };
}

describe.each([
  ['8.0.2', crash802, 'panic-sysrq'],
  ['8.0.2', crash802, 'oops-syscall-6.12'],
  ['8.0.6', crash806, 'oops-syscall-6.12'],
] as const)('crash %s on %s', (version, crash, scenario) => {
  it('reads it exactly when the table says it is new enough', () => {
    const expected = crashNewEnough(version, fixtureMeta(scenario).kernel.release);
    expect(expected).not.toBeNull();
    const got = readsCorrectly(crash(), scenario);
    expect(got.ok, got.said).toBe(expected);
  });
});
