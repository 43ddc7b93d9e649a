/**
 * readDumpLog with the real makedumpfile on the fixture vmcores: a bare dump gives the same log
 * kdump saved (vmcore-dmesg.txt), a saved dmesg from this crash is used in both kdump layouts,
 * one from another crash is ignored with a note naming why, and a missing makedumpfile, a cut
 * dump and a file that is no dump each say exactly why there is no log.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSavedDmesg, readDumpLog } from '../../../electron/dumpinfo/dump-log.ts';
import { withoutCallerIds } from '../../../electron/dumpinfo/log-triage.ts';
import { readDumpIdentity } from '../../../electron/dumpinfo/vmcoreinfo.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { allScenarios, fixtureFile, fixtureMeta, vmcorePath, type Scenario } from '../../support/fixtures.ts';

const t = new LocalTransport();
let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-dumplog-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh directory holding only a link named `name` to the scenario's vmcore. */
function bare(s: Scenario, name = 'vmcore'): string {
  const d = path.join(dir, `d${n++}`);
  mkdirSync(d);
  const p = path.join(d, name);
  symlinkSync(vmcorePath(s), p);
  return p;
}

const saved = (s: Scenario): string => readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8');

describe('readDumpLog from the dump itself (makedumpfile)', () => {
  for (const s of allScenarios) {
    it(`${s}: a bare dump gives the log kdump saved at capture time`, async () => {
      const vmcore = bare(s);
      const log = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore));
      expect(log.source).toBe('makedumpfile');
      expect(log.sourcePath).toBe(vmcore);
      expect(log.notes).toEqual([]);
      // This host's makedumpfile (1.7.2) prints no printk caller ids; trixie's 1.7.6 did.
      expect(withoutCallerIds(log.text ?? '')).toBe(withoutCallerIds(saved(s)));
    });
  }
});

describe('readDumpLog with a saved dmesg beside the dump', () => {
  it('Debian layout: dump.<stamp> + dmesg.<stamp> of the same crash is used', async () => {
    const vmcore = bare('oom-slab-leak', 'dump.202611260435');
    writeFileSync(path.join(path.dirname(vmcore), 'dmesg.202611260435'), saved('oom-slab-leak'));
    const log = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore));
    expect(log.source).toBe('saved-dmesg');
    expect(log.sourcePath).toBe(path.join(path.dirname(vmcore), 'dmesg.202611260435'));
    expect(log.text).toBe(saved('oom-slab-leak'));
  });

  it('RHEL layout: vmcore + vmcore-dmesg.txt with printk caller ids (6.12) is used', async () => {
    const vmcore = bare('hung-mutex-6.12');
    writeFileSync(path.join(path.dirname(vmcore), 'vmcore-dmesg.txt'), saved('hung-mutex-6.12'));
    const log = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore));
    expect(log.source).toBe('saved-dmesg');
    expect(log.text).toContain('[      T0] Linux version');
  });

  it('the log of another crash of the same kernel is ignored with a note naming the times; the dump\'s own log is read', async () => {
    const vmcore = bare('oom-slab-leak');
    writeFileSync(path.join(path.dirname(vmcore), 'vmcore-dmesg.txt'), saved('oom-user-hog'));
    const log = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore));
    expect(log.source).toBe('makedumpfile');
    expect(log.text).toBe(saved('oom-slab-leak'));
    // user-hog crashed 136 s after slab-leak (their kdump headers' crash times).
    const other = new Date((await readDumpIdentity(t, vmcorePath('oom-user-hog'))).crashTimeMs ?? 0).toISOString().replace('.000Z', 'Z');
    expect(log.notes).toEqual([`vmcore-dmesg.txt beside the dump belongs to another crash: its last line is from about ${other}, this dump crashed at 2026-11-26T04:35:59Z; ignored.`]);
  });

  it('the log of another kernel is ignored with a note naming both releases', async () => {
    const vmcore = bare('panic-sysrq', 'dump.202611260456');
    writeFileSync(path.join(path.dirname(vmcore), 'dmesg.202611260456'), saved('oops-syscall-6.12'));
    const log = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore));
    expect(log.source).toBe('makedumpfile');
    expect(log.notes[0]).toBe(`dmesg.202611260456 beside the dump belongs to another crash: it is the log of kernel ${fixtureMeta('oops-syscall-6.12').kernel.release}, the dump is ${fixtureMeta('panic-sysrq').kernel.release}; ignored.`);
  });

  it('a saved log written before the crash is another crash\'s, whatever its content', async () => {
    const vmcore = bare('oom-user-hog');
    const f = path.join(path.dirname(vmcore), 'vmcore-dmesg.txt');
    // Its wrapped ring buffer lost the boot lines, so only the file time can tell.
    writeFileSync(f, saved('oom-user-hog').split('\n').slice(400).join('\n'));
    utimesSync(f, new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
    const log = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore));
    expect(log.source).toBe('makedumpfile');
    expect(log.notes[0]).toMatch(/written at 2026-11-01T00:00:00Z, before this dump's crash/);
  });
});

describe('readDumpLog when the log cannot be read', () => {
  /** A PATH holding the shell tools the script needs, but no makedumpfile. */
  function pathWithoutMakedumpfile(): string {
    const bin = path.join(dir, `bin${n++}`);
    mkdirSync(bin);
    for (const tool of ['sh', 'mktemp', 'cat', 'rm']) symlinkSync(`/bin/${tool}`, path.join(bin, tool));
    return bin;
  }

  it('makedumpfile missing: a note naming the package; an unverifiable saved log is used with a note', async () => {
    const prefix = ['env', `PATH=${pathWithoutMakedumpfile()}`];
    const vmcore = bare('panic-sysrq');
    const none = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore), { commandPrefix: prefix });
    expect(none.text).toBeNull();
    expect(none.notes).toEqual([expect.stringMatching(/^makedumpfile is not installed on this machine, so the kernel log cannot be read from the dump: install makedumpfile \(Debian\/Ubuntu: apt-get install makedumpfile/)]);
    // A saved log without its boot lines cannot be matched by time, but contradicts nothing.
    const wrapped = saved('panic-sysrq').split('\n').slice(350).join('\n');
    writeFileSync(path.join(path.dirname(vmcore), 'vmcore-dmesg.txt'), wrapped);
    const used = await readDumpLog(t, vmcore, await readDumpIdentity(t, vmcore), { commandPrefix: prefix });
    expect(used.source).toBe('saved-dmesg');
    expect(used.text).toBe(wrapped);
    expect(used.notes.at(-1)).toMatch(/^using vmcore-dmesg\.txt beside the dump although its start \(the "Linux version" line\) is gone/);
  });

  it('a dump cut short before the log pages: says the dump is truncated and the log is not in it', async () => {
    const cut = path.join(dir, 'cut-vmcore');
    copyFileSync(vmcorePath('oom-slab-leak'), cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 3_000_000));
    const id = await readDumpIdentity(t, cut);
    const log = await readDumpLog(t, cut, id);
    expect(log.text).toBeNull();
    expect(log.notes[0]).toMatch(new RegExp(`^the dump is truncated \\(3000000 of ${fixtureMeta('oom-slab-leak').vmcore.size} bytes\\) and the kernel log's pages are not in it \\(makedumpfile: .+\\); copy the dump again completely\\.$`));
  });

  it('a file that is no dump: no makedumpfile run, a note saying so', async () => {
    const f = path.join(dir, 'notes.txt');
    writeFileSync(f, 'hello\n');
    const log = await readDumpLog(t, f, await readDumpIdentity(t, f));
    expect(log).toEqual({ text: null, source: null, sourcePath: null, notes: ['notes.txt is not a crash dump (no kdump or ELF core header), so it holds no kernel log.'] });
  });
});

describe('checkSavedDmesg', () => {
  it('matches every fixture\'s saved log to its own dump and to no other dump', async () => {
    const ids = await Promise.all(allScenarios.map((s) => readDumpIdentity(t, vmcorePath(s))));
    allScenarios.forEach((s, i) => {
      allScenarios.forEach((o, j) => {
        const c = checkSavedDmesg(saved(s), ids[j] as never, null);
        expect(c.verdict, `${s}'s log against ${o}'s dump: ${c.reason}`).toBe(i === j ? 'match' : 'other');
      });
    });
  });
});
