/**
 * `crashdeck run` on a dump that lives on another machine: the real CLI, a real sshd, real crash
 * 8.0.6 on the far side. The client's HOME is the harness's client home (its key, a known_hosts
 * trusting this sshd and no agent), so nothing reads the real ~/.ssh.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrashdeck, type CliResult } from '../../support/cli.ts';
import { crash806, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd({ name: 'cli-run' });
});
afterAll(async () => {
  await sshd?.stop();
});

/** `crashdeck run ARGS...` as the harness's client user (HOME = its client home, no agent). */
function cli(args: string[], home = sshd.home): Promise<CliResult> {
  return runCrashdeck(['run', ...args], { HOME: home, SSH_AUTH_SOCK: '' }, { timeoutMs: 170_000 });
}

/** sys without the lines naming the generating machine's file paths. */
function withoutPaths(text: string): string {
  return text.split('\n').filter((l) => !/KERNEL:|DUMPFILE:/.test(l)).join('\n').trim();
}

describe('crashdeck run over SSH', () => {
  it('prints sys of a dump given as ssh://user@host:port/path, as crash prints it locally', async () => {
    const url = `ssh://root@127.0.0.1:${sshd.port}${vmcorePath('panic-sysrq')}`;
    const { code, stdout } = await cli([url, '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--', 'sys']);
    expect(code).toBe(0);
    expect(withoutPaths(stdout)).toBe(withoutPaths(transcript('panic-sysrq', 'sys')));
  });

  it('--host with --json gives the parsed model of the remote output', async () => {
    const { code, stdout } = await cli([vmcorePath('panic-sysrq'), '--host', `root@127.0.0.1:${sshd.port}`, '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--json', '--', 'sys']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { commands: Array<{ parsed?: { model?: { release?: string; panic?: string } } }> };
    const first = out.commands[0];
    expect(first?.parsed?.model?.release).toBe('6.1.0-56-cloud-amd64');
    expect(first?.parsed?.model?.panic).toContain('sysrq triggered crash');
  });

  it('refuses a host whose key is not known, with the fingerprint and a non-zero exit', async () => {
    const r = await cli([`ssh://root@127.0.0.1:${sshd.port}${vmcorePath('panic-sysrq')}`, '--', 'sys'], path.join(sshd.dir, 'nobody-home'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(sshd.hostKeyFingerprint);
  });
});
