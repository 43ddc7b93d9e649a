/**
 * The crash-per-kernel table: lookups by a dump's release, version order, and which release
 * install-crash.sh installs. The measured rows are checked against real crash runs in
 * tests/integration/crash/crash-requirements.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compareCrashVersions, crashNewEnough, crashRequirementFor, installableCrashFor, kernelVersion } from '../../../electron/crash/crash-requirements.ts';
import { fixtureMeta } from '../../support/fixtures.ts';

describe('crash requirements', () => {
  it("reads the fixtures' releases", () => {
    expect(kernelVersion(fixtureMeta('panic-sysrq').kernel.release)).toEqual({ major: 6, minor: 1, patch: 0 });
    expect(kernelVersion(fixtureMeta('oops-syscall-6.12').kernel.release)).toEqual({ major: 6, minor: 12, patch: 118 });
    expect(kernelVersion('not-a-release')).toBeNull();
  });

  it('orders crash versions numerically, ignoring suffixes', () => {
    expect(compareCrashVersions('8.0.10', '8.0.4')).toBe(1);
    expect(compareCrashVersions('8.0.6++', '8.0.6')).toBe(0);
    expect(compareCrashVersions('8.0.2', '9.0.2')).toBe(-1);
  });

  it('names 8.0.4 for 6.1, 8.0.6 for 6.12 (both measured) and 9.0.2 for 7.x (history only, with a caveat)', () => {
    expect(crashRequirementFor(fixtureMeta('panic-sysrq').kernel.release)).toMatchObject({ minimum: '8.0.4', basis: 'measured' });
    expect(crashRequirementFor(fixtureMeta('oops-syscall-6.12').kernel.release)).toMatchObject({ minimum: '8.0.6', basis: 'measured' });
    const seven = crashRequirementFor('7.1.2-amd64');
    expect(seven).toMatchObject({ minimum: '9.0.2', basis: 'history' });
    expect(seven?.caveat).toMatch(/no release carries/);
    expect(crashRequirementFor('5.10.0-30-amd64')).toBeNull();
  });

  it('judges a crash against a release, unknown when either is unknown', () => {
    expect(crashNewEnough('8.0.2', '6.1.0-56-cloud-amd64')).toBe(false);
    expect(crashNewEnough('8.0.4', '6.1.0-56-cloud-amd64')).toBe(true);
    expect(crashNewEnough('8.0.5', '6.12.118+deb13-cloud-amd64')).toBe(false);
    expect(crashNewEnough(null, '6.12.118')).toBeNull();
    expect(crashNewEnough('8.0.6', null)).toBeNull();
  });

  it('install-crash.sh installs 8.0.6 up to 6.12 and 9.0.2 beyond', () => {
    expect(installableCrashFor('6.12.118+deb13-cloud-amd64')).toBe('8.0.6');
    expect(installableCrashFor('6.16.3-amd64')).toBe('9.0.2');
    expect(installableCrashFor(null)).toBe('8.0.6');
  });
});
