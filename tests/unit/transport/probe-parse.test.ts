import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../../electron/transport/probe.ts';

const tokens = (...t: string[]): string => t.map((x) => `${x}\0`).join('');

describe('parseProbeOutput', () => {
  it('groups dump and debuginfo records and keeps values with = and newlines whole', () => {
    const r = parseProbeOutput(tokens(
      'probe.version=1', 'host.name=box', 'host.release=6.1.0-9-amd64',
      'crash.path=/usr/bin/crash', 'crash.version=8.0.6', 'sudo=yes',
      'crash.dir=/var/crash', 'crash.dir.exists=yes', 'disk.free.bytes=1048576', 'disk.free.path=/var/crash',
      'dump=/var/crash/a=b\nc/vmcore', 'dump.layout=rhel', 'dump.size=10', 'dump.mtime=1700000000', 'dump.release=6.1.0-9-amd64',
      'dump=/var/crash/x/dump.1', 'dump.layout=kdump-tools', 'dump.dmesg=/var/crash/x/dmesg.1', 'dump.incomplete=yes',
      'debuginfo=6.1.0-9-amd64', 'vmlinux=/usr/lib/debug/boot/vmlinux-6.1.0-9-amd64', 'vmlinux.size=600',
      'debuginfo=5.10.0-1-amd64',
    ));
    expect(r).toEqual({
      hostName: 'box',
      hostRelease: '6.1.0-9-amd64',
      crash: { path: '/usr/bin/crash', version: '8.0.6' },
      crashDir: '/var/crash',
      crashDirExists: true,
      sudo: 'yes',
      diskFree: { path: '/var/crash', bytes: 1048576 },
      dumps: [
        { vmcore: '/var/crash/a=b\nc/vmcore', dmesg: null, size: 10, mtimeMs: 1_700_000_000_000, layout: 'rhel', release: '6.1.0-9-amd64', incomplete: false },
        { vmcore: '/var/crash/x/dump.1', dmesg: '/var/crash/x/dmesg.1', size: 0, mtimeMs: 0, layout: 'kdump-tools', release: null, incomplete: true },
      ],
      debuginfo: {
        '6.1.0-9-amd64': [{ path: '/usr/lib/debug/boot/vmlinux-6.1.0-9-amd64', size: 600 }],
        '5.10.0-1-amd64': [],
      },
    });
  });

  it('ignores unknown keys, stray record fields and garbage instead of throwing', () => {
    const r = parseProbeOutput(tokens('dump.size=5', 'vmlinux=/x', 'future.key=1', 'no equals sign', '=novalue', 'dump.layout=weird') + 'trailing');
    expect(r.dumps).toEqual([]);
    expect(r.debuginfo).toEqual({});
    expect(r.crash).toBeNull();
    expect(r.sudo).toBe('missing');
  });
});
