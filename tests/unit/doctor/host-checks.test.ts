/**
 * The doctor's rules over a host's facts: kdump armed, and makedumpfile new enough for the
 * running kernel. The versions come from makedumpfile's own LATEST_VERSION and the fixtures:
 * bookworm's 1.7.2 wrote complete Debian 6.1 dumps but an incomplete 6.12 one
 * (oops-syscall-6.12-mdf172), trixie's 1.7.6 complete 6.12 dumps. A host that writes dumps
 * cannot be arranged on the test machine (no /sys/kernel/kexec_crash_loaded), hence facts.
 */
import { describe, expect, it } from 'vitest';
import { parseHostFacts, type HostFacts } from '../../../electron/doctor/host-facts.ts';
import { kdumpChecks, makedumpfileCheck, packageCommand } from '../../../electron/doctor/host-checks.ts';
import { makedumpfileHandles, minimumMakedumpfileFor } from '../../../electron/crash/makedumpfile-support.ts';
import { fixtureMeta } from '../../support/fixtures.ts';

const facts = (over: Partial<HostFacts> = {}): HostFacts => ({
  kernel: fixtureMeta('oops-syscall-6.12').kernel.release, osId: 'debian', osLike: '', osCodename: 'bookworm',
  makedumpfilePath: '/usr/sbin/makedumpfile', makedumpfileVersion: '1.7.2', kdumpTool: 'kdump-config',
  kexecCrashLoaded: '1', crashkernel: '256M', sudo: 'yes', crashOnPath: '/usr/bin/crash', ...over,
});

describe('makedumpfile support', () => {
  it("agrees with the fixtures: 1.7.2 handles Debian's 6.1, not 6.12; 1.7.6 handles 6.12", () => {
    expect(makedumpfileHandles('1.7.2', fixtureMeta('panic-sysrq').kernel.release)).toBe(true);
    expect(makedumpfileHandles('1.7.2', fixtureMeta('oops-syscall-6.12-mdf172').kernel.release)).toBe(false);
    expect(makedumpfileHandles('1.7.6', fixtureMeta('oops-syscall-6.12').kernel.release)).toBe(true);
    expect(minimumMakedumpfileFor('6.12.118+deb13-cloud-amd64')).toBe('1.7.6');
    expect(minimumMakedumpfileFor('6.16.1')).toBe('1.7.8');
    expect(makedumpfileHandles('', '6.12.1')).toBeNull();
  });
});

describe('kdump checks', () => {
  it("a bookworm box with a 6.12 kernel and bookworm's makedumpfile: armed, but its makedumpfile fails with the fix", () => {
    const [armed, mdf] = kdumpChecks(facts());
    expect(armed).toMatchObject({ id: 'kdump', status: 'ok' });
    expect(mdf).toMatchObject({ id: 'kdump-makedumpfile', status: 'fail' });
    expect(mdf?.detail).toContain('makedumpfile 1.7.2 (handles kernels up to 6.1)');
    expect(mdf?.fix).toContain('Install makedumpfile 1.7.6 or newer');
  });

  it('not armed: fails with the command for the distribution; no reservation: says to reserve memory', () => {
    expect(kdumpChecks(facts({ kexecCrashLoaded: '0', makedumpfileVersion: '1.7.6' }))[0]).toMatchObject({ status: 'fail', fix: 'sudo kdump-config load (and enable it: sudo systemctl enable kdump-tools).' });
    const fedora = kdumpChecks(facts({ osId: 'fedora', kdumpTool: 'kdumpctl', kexecCrashLoaded: '0', crashkernel: '' }))[0];
    expect(fedora?.fix).toMatch(/crashkernel=.*sudo systemctl enable --now kdump/);
  });

  it('a machine that does not write dumps: skipped, and an old makedumpfile is only noted', () => {
    const f = facts({ kdumpTool: '', kexecCrashLoaded: '', crashkernel: '' });
    expect(kdumpChecks(f)).toEqual([expect.objectContaining({ id: 'kdump', status: 'skip' })]);
    expect(makedumpfileCheck(f)).toMatchObject({ status: 'ok' });
    expect(makedumpfileCheck({ ...f, makedumpfilePath: '' })).toMatchObject({ status: 'warn', fix: 'sudo apt-get install makedumpfile' });
    expect(makedumpfileCheck({ ...facts(), makedumpfilePath: '' })).toMatchObject({ status: 'fail' });
  });

  it('names the package command of each distribution family', () => {
    expect(packageCommand(facts({ osId: 'opensuse-leap', osLike: 'suse opensuse' }), 'crash')).toBe('sudo zypper install crash');
    expect(packageCommand(facts({ osId: 'arch' }), 'crash')).toBe('sudo pacman -S crash');
    expect(packageCommand(facts({ osId: 'ubuntu', osLike: 'debian' }), 'crash')).toBe('sudo apt-get install crash');
  });

  it('parses the script output, ignoring unknown keys', () => {
    const f = parseHostFacts('kernel=6.1.0-56-cloud-amd64\nmakedumpfile.version=1.7.2\nsudo=no\nnoise\nx=y\n');
    expect(f).toMatchObject({ kernel: '6.1.0-56-cloud-amd64', makedumpfileVersion: '1.7.2', sudo: 'no', kdumpTool: '' });
  });
});
