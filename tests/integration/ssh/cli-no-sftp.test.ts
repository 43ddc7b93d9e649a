/**
 * `crashdeck run` and `crashdeck triage` against a hardened host: no sftp subsystem and
 * `MaxSessions 2` (crash's channel plus one more). The real CLI, a real sshd, real crash 8.0.6
 * on the far side: the results equal crash's own transcript and the triage over a stock SFTP
 * host, and sshd's log shows no refused session. One crash start per host configuration and
 * command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrashdeck, type CliResult } from '../../support/cli.ts';
import { crash806, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';

let hardened: Sshd;
let stock: Sshd;

beforeAll(async () => {
  hardened = await startSshd({ name: 'cli-hardened', sftp: false, maxSessions: 2 });
  stock = await startSshd({ name: 'cli-stock' });
});
afterAll(async () => {
  await hardened?.stop();
  await stock?.stop();
});

/** `crashdeck ARGS...` as the harness's client user of `sshd` (HOME = its client home, no agent). */
function cli(sshd: Sshd, args: string[]): Promise<CliResult> {
  return runCrashdeck(args, { HOME: sshd.home, SSH_AUTH_SOCK: '' }, { timeoutMs: 240_000 });
}

/** sys without the lines naming the generating machine's file paths. */
function withoutPaths(text: string): string {
  return text.split('\n').filter((l) => !/KERNEL:|DUMPFILE:/.test(l)).join('\n').trim();
}

function refusedSessions(sshd: Sshd): string[] {
  return sshd.log().split('\n').filter((l) => /no more sessions|session open failed/.test(l));
}

describe('a host without sftp and with MaxSessions 2', () => {
  it('crashdeck run prints sys as crash prints it locally, and sshd refused no session', async () => {
    const url = `ssh://root@127.0.0.1:${hardened.port}${vmcorePath('panic-sysrq')}`;
    const r = await cli(hardened, ['run', url, '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--', 'sys']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(withoutPaths(r.stdout)).toBe(withoutPaths(transcript('panic-sysrq', 'sys')));
    expect(refusedSessions(hardened)).toEqual([]);
    // It asked for sftp once (that connection), then used exec channels.
    expect(hardened.log().match(/subsystem request for sftp by user root failed/g)).toHaveLength(1);
  }, 300_000);

  it('crashdeck triage gives the same report as over a stock SFTP host, and sshd refused no session', async () => {
    const triage = (sshd: Sshd): Promise<CliResult> =>
      cli(sshd, ['triage', vmcorePath('panic-sysrq'), '--host', `root@127.0.0.1:${sshd.port}`, '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--json']);
    const [overExec, overSftp] = [await triage(hardened), await triage(stock)];
    expect(overSftp.code).toBe(0);
    expect(overExec.code).toBe(0);
    const report = JSON.parse(overExec.stdout) as unknown;
    expect(report).toEqual(JSON.parse(overSftp.stdout));
    expect(JSON.stringify(report)).toMatch(/sysrq/i);
    expect(refusedSessions(hardened)).toEqual([]);
    expect(stock.log()).not.toMatch(/subsystem request for sftp by user \S+ failed/);
  }, 500_000);
});
