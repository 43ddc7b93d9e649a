/**
 * The gdb-indexed vmlinux copy's decisions: when it is on, where it lives in the debuginfod
 * cache, that only a copy carrying the vmlinux's build-id is used (never the user's file
 * changed), that a host without gdb-add-index builds nothing and says so, and what doctor reads
 * from a cache listing. The build itself and its use by crash: tests/integration/crash/gdb-index.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGdbIndex, chooseVmlinux, findGdbIndexed, gdbIndexEnabled, gdbIndexPath, indexedNote } from '../../../electron/crash/gdb-index.ts';
import { gdbIndexCheck, parseIndexListing } from '../../../electron/doctor/gdb-index-check.ts';
import { readBuildId } from '../../../electron/symbols/build-id.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { vmlinuxPath } from '../../support/fixtures.ts';

const t = new LocalTransport();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-gdb-index-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH with what the build script needs except gdb-add-index. */
function pathWithoutGdb(): string {
  const bin = path.join(dir, 'bin');
  if (existsSync(bin)) return bin;
  mkdirSync(bin);
  for (const tool of ['sh', 'cp', 'mkdir', 'mv', 'rm', 'ls', 'tail']) symlinkSync(`/bin/${tool}`, path.join(bin, tool));
  return bin;
}

async function vmlinuxBuildId(): Promise<string> {
  const r = await readBuildId(t, vmlinuxPath('panic-sysrq'));
  return r.buildId as string;
}

describe('gdbIndexEnabled', () => {
  it('is on by default and off by settings.json gdbIndex: false or CRASHDECK_GDB_INDEX=0', () => {
    expect(gdbIndexEnabled({}, {})).toBe(true);
    expect(gdbIndexEnabled({}, { gdbIndex: true })).toBe(true);
    expect(gdbIndexEnabled({}, { gdbIndex: false })).toBe(false);
    for (const off of ['0', 'false', 'off', 'no', ' OFF ']) expect(gdbIndexEnabled({ CRASHDECK_GDB_INDEX: off }, {})).toBe(false);
    expect(gdbIndexEnabled({ CRASHDECK_GDB_INDEX: '1' }, {})).toBe(true);
    // The environment cannot turn on what settings.json turned off.
    expect(gdbIndexEnabled({ CRASHDECK_GDB_INDEX: '1' }, { gdbIndex: false })).toBe(false);
  });
});

describe('the indexed copy in the debuginfod cache', () => {
  it('lives beside the build-id\'s debuginfo', () => {
    expect(gdbIndexPath('/c/', 'ab12')).toBe('/c/ab12/vmlinux.gdb-index');
  });

  it('is used only when it carries the vmlinux\'s build-id; otherwise crash reads the vmlinux itself', async () => {
    const buildId = await vmlinuxBuildId();
    const cache = path.join(dir, 'choose');
    // Nothing built yet: the plain file, with what a build needs.
    const none = await chooseVmlinux(t, vmlinuxPath('panic-sysrq'), { DEBUGINFOD_CACHE_PATH: cache });
    expect(none).toEqual({ vmlinux: vmlinuxPath('panic-sysrq'), indexed: null, buildId, cacheDir: cache });
    expect(indexedNote(none)).toBeNull();

    // Another ELF under this build-id's name is not taken.
    mkdirSync(path.join(cache, buildId), { recursive: true });
    symlinkSync('/bin/true', gdbIndexPath(cache, buildId));
    expect(await findGdbIndexed(t, cache, buildId)).toBeNull();
    expect((await chooseVmlinux(t, vmlinuxPath('panic-sysrq'), { DEBUGINFOD_CACHE_PATH: cache })).indexed).toBeNull();

    // A file with the right build-id is (a symlink stands in for the indexed copy here).
    rmSync(gdbIndexPath(cache, buildId));
    symlinkSync(vmlinuxPath('panic-sysrq'), gdbIndexPath(cache, buildId));
    const chosen = await chooseVmlinux(t, vmlinuxPath('panic-sysrq'), { DEBUGINFOD_CACHE_PATH: cache });
    expect(chosen.vmlinux).toBe(gdbIndexPath(cache, buildId));
    expect(indexedNote(chosen)).toMatchObject({ code: 'gdb-index', severity: 'info' });
    expect(indexedNote(chosen)?.message).toContain(gdbIndexPath(cache, buildId));
    expect(indexedNote(chosen)?.hint).toContain('CRASHDECK_GDB_INDEX=0');
  });

  it('a file without a build-id gets no copy (it could not be verified)', async () => {
    const text = await chooseVmlinux(t, path.join(process.cwd(), 'package.json'), { DEBUGINFOD_CACHE_PATH: path.join(dir, 'nobid') });
    expect(text).toEqual({ vmlinux: path.join(process.cwd(), 'package.json'), indexed: null, buildId: null, cacheDir: null });
  });

  it('a host without gdb-add-index builds nothing and says that gdb is what is missing', async () => {
    const cache = path.join(dir, 'no-tool');
    const r = await buildGdbIndex(t, vmlinuxPath('panic-sysrq'), cache, await vmlinuxBuildId(), { hostEnv: { PATH: pathWithoutGdb() } });
    expect(r).toMatchObject({ skipped: 'gdb-add-index-missing' });
    expect('detail' in r && r.detail).toContain('gdb');
    expect(existsSync(cache)).toBe(false);
  });

  it('a temp left by a killed builder is removed; a live builder\'s is kept, doctor says "building" and no second build starts', async () => {
    const buildId = await vmlinuxBuildId();
    const cache = path.join(dir, 'stale');
    mkdirSync(path.join(cache, buildId), { recursive: true });
    const dead = spawnSync('true').pid as number;
    const stale = `${gdbIndexPath(cache, buildId)}.crashdeck-${dead}`;
    const live = `${gdbIndexPath(cache, buildId)}.crashdeck-${process.pid}`;
    writeFileSync(stale, 'x');
    writeFileSync(live, 'x');
    const doctor = await gdbIndexCheck(t, 'this machine', { DEBUGINFOD_CACHE_PATH: cache }, {});
    expect(doctor.detail).toContain(`building ${live}`);
    expect(doctor.detail).not.toContain(stale);
    // The real gdb-add-index is on PATH; the live temp stops the build before any copy.
    expect(await buildGdbIndex(t, vmlinuxPath('panic-sysrq'), cache, buildId)).toMatchObject({ skipped: 'busy' });
    expect(readdirSync(path.join(cache, buildId))).toEqual([path.basename(live)]);
  });
});

describe('doctor', () => {
  it('reads copies, builds in progress and the tool from the cache listing', () => {
    const l = parseIndexListing('tool yes\ndir /c\n700000000 /c/ab/vmlinux.gdb-index\n12 /c/cd/vmlinux.gdb-index.crashdeck-42\n');
    expect(l).toEqual({ tool: true, dir: '/c', copies: [{ size: 700000000, path: '/c/ab/vmlinux.gdb-index' }], building: [{ size: 12, path: '/c/cd/vmlinux.gdb-index.crashdeck-42' }] });
    expect(parseIndexListing('tool no\ndir /c\n').tool).toBe(false);
  });

  it('says off when turned off, and "none yet" with the bound for an empty cache', async () => {
    const off = await gdbIndexCheck(t, 'this machine', { CRASHDECK_GDB_INDEX: '0' }, {});
    expect(off).toMatchObject({ id: 'gdb-index', status: 'skip' });
    expect(off.detail).toContain('off');
    const cache = path.join(dir, 'doctor-empty');
    mkdirSync(cache);
    const empty = await gdbIndexCheck(t, 'this machine', { DEBUGINFOD_CACHE_PATH: cache }, {});
    // gdb-add-index is installed on this machine (native-tools/install-deps.sh installs gdb).
    expect(empty).toMatchObject({ id: 'gdb-index', status: 'ok' });
    expect(empty.detail).toContain(`none yet in ${cache}`);
    expect(empty.detail).toContain('at most 3 copies are kept');
    expect(readdirSync(cache)).toEqual([]);
  });
});
