/** Which crash runs, and file paths that must never turn into crash options. */
import { describe, expect, it } from 'vitest';
import { crashArgv, pathArg, resolveCrashPath } from '../../../electron/crash/crash-binary.ts';

describe('resolveCrashPath', () => {
  it('prefers the explicit choice, then CRASHDECK_CRASH, then crash on PATH', () => {
    expect(resolveCrashPath('/opt/crash/bin/crash', { CRASHDECK_CRASH: '/x/crash' })).toBe('/opt/crash/bin/crash');
    expect(resolveCrashPath(undefined, { CRASHDECK_CRASH: '/x/crash' })).toBe('/x/crash');
    expect(resolveCrashPath(undefined, {})).toBe('crash');
  });
});

describe('pathArg and crashArgv', () => {
  it('keeps a file named like an option from being read as one', () => {
    expect(pathArg('-i/tmp/cmds')).toBe('./-i/tmp/cmds');
    expect(pathArg('--minimal')).toBe('./--minimal');
    expect(pathArg('/var/crash/x/vmcore')).toBe('/var/crash/x/vmcore');
  });

  it('puts a prefix (e.g. runuser) before crash', () => {
    expect(crashArgv(['runuser', '-u', 'analyst', '--'], '/usr/bin/crash', ['--version'])).toEqual({ command: 'runuser', args: ['-u', 'analyst', '--', '/usr/bin/crash', '--version'] });
    expect(crashArgv(undefined, 'crash', ['--osrelease', 'x'])).toEqual({ command: 'crash', args: ['--osrelease', 'x'] });
  });
});
