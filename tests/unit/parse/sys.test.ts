import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parseSys, parseSysTaint } from '../../../electron/parse/index.ts';
import { fixtureFile, fixtureMeta, scenarios, transcript } from '../../support/fixtures.ts';
import { problems, taintString } from './helpers.ts';

/** The startup banner lines the fixture's timings.txt quotes (`  | ` prefixed) for one crash version. */
function bannerFromTimings(scenario: (typeof scenarios)[number], file: string): string {
  const text = readFileSync(fixtureFile(scenario, file), 'utf8');
  const start = text.indexOf('startup banner without -s');
  const lines: string[] = [];
  for (const l of text.slice(start).split('\n').slice(1)) {
    if (!l.startsWith('  | ')) break;
    lines.push(l.slice(4));
  }
  return lines.join('\n');
}

describe('sys', () => {
  for (const s of scenarios) {
    it(`${s}: reads the dump summary crash 8.0.6 printed`, () => {
      const meta = fixtureMeta(s);
      const { model, diagnostics } = parseSys(transcript(s, 'sys'));
      expect(problems(diagnostics)).toEqual([]);
      expect(model.release).toBe(meta.kernel.release);
      expect(model.panic).toBe(`Kernel panic - not syncing: ${meta.truth.panic_message}`);
      // kdump with makedumpfile -d 31 always writes a partial dump; fixtures run 2 vCPUs.
      expect(model.partialDump).toBe(true);
      expect(model.dumpfile).toBe(`/var/crash/${s}/vmcore`);
      expect(model.cpus).toBe(2);
      expect(model.nodename).toBe('app01');
      expect(model.machine).toBe('x86_64');
      expect(model.kernelTainted).toBe(taintString(meta) !== 'Not tainted');
      expect(model.loadAverage).toHaveLength(3);
      expect(model.tasks).toBeGreaterThan(60);
      expect(model.memoryBytes).toBeGreaterThan(300 * 1024 * 1024);
      expect(model.memoryBytes).toBeLessThan(400 * 1024 * 1024);
      expect(model.fields['LOAD AVERAGE']).toBeDefined();
      expect(model.panicTask).toBeNull();
    });

    it(`${s}: the startup banner carries the panic task of meta.json`, () => {
      const truth = fixtureMeta(s).truth.panic_task;
      const parsed = parseCommandOutput('banner', bannerFromTimings(s, 'timings.txt'));
      expect(parsed?.parser).toBe('banner');
      expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
      const model = parsed?.model as ReturnType<typeof parseSys>['model'];
      expect(model.panicTask).toMatchObject({ pid: truth.pid, command: truth.comm, cpu: truth.cpu, state: 'TASK_RUNNING (PANIC)' });
      expect(model.panicTask?.task).toMatch(/^[0-9a-f]{16}$/);
      expect(model.release).toBe(fixtureMeta(s).kernel.release);
    });

    it(`${s}: crash 8.0.2 banner warns that the active task is missing from the PID hash`, () => {
      const { model, diagnostics } = parseSys(bannerFromTimings(s, 'timings-crash-8.0.2.txt'), { banner: true });
      expect(model.tasks).toBeLessThan(5);
      expect(diagnostics.some((d) => d.code === 'crash-warning' && /not found in PID hash/.test(d.message))).toBe(true);
    });
  }

  it('a full banner with crash and gdb copyright text and \\r-joined progress lines', () => {
    // crash main.c/gdb banner as printed without -s on a pipe (fixtures README: progress lines joined by \r)
    const banner = [
      '', 'crash 8.0.6', 'Copyright (C) 2002-2024  Red Hat, Inc.', 'Copyright (C) 2004, 2005, 2006, 2010  IBM Corporation',
      'This program is free software, covered by the GNU General Public License,',
      'certain conditions.  Enter "help copying" to see the conditions.',
      'This program has absolutely no warranty.  Enter "help warranty" for details.', '',
      'NOTE: stdin: not a tty', '', 'GNU gdb (GDB) 10.2', 'Copyright (C) 2021 Free Software Foundation, Inc.',
      'License GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>',
      'Type "show copying" and "show warranty" for details.',
      'This GDB was configured as "x86_64-pc-linux-gnu".', 'For help, type "help".',
      'Type "apropos word" to search for commands related to "word"...', '',
      'please wait... (gathering kmem slab cache data)\rplease wait... (gathering task table data)\r                                                 \r',
      bannerFromTimings('panic-sysrq', 'timings.txt').split('\n').filter((l) => /^\s*[A-Z ]+: /.test(l)).join('\n'),
    ].join('\n');
    const { model, diagnostics } = parseSys(banner, { banner: true });
    expect(diagnostics).toEqual([]);
    expect(model.panicTask?.pid).toBe(fixtureMeta('panic-sysrq').truth.panic_task.pid);
    expect(Object.keys(model.fields)).not.toContain('License GPLv3+');
    expect(model.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
  });

  it('reads uptime with days, offline CPUs and GB memory', () => {
    // Format from crash's display_sys_stats(): "%d days, %02d:%02d:%02d" and "CPUS: %d [OFFLINE: %d]".
    const { model, diagnostics } = parseSys([
      '      KERNEL: vmlinux',
      '        CPUS: 8 [OFFLINE: 2]',
      '      UPTIME: 3 days, 01:02:03',
      '      MEMORY: 2 GB',
    ].join('\n'));
    expect(diagnostics).toEqual([]);
    expect(model.uptimeSeconds).toBe(3 * 86400 + 3723);
    expect(model.cpus).toBe(8);
    expect(model.offlineCpus).toBe(2);
    expect(model.memoryBytes).toBe(2 * 1024 ** 3);
  });

  it('says what it skipped and what it could not read', () => {
    const { model, diagnostics } = parseSys('      UPTIME: soon\nthis is not sys output\n        CPUS: 2\n');
    expect(model.cpus).toBe(2);
    expect(model.uptimeSeconds).toBeNull();
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['bad-value', 'unparsed-lines']);
    expect(diagnostics.find((d) => d.code === 'unparsed-lines')?.message).toContain('line 2');
  });

  it('empty output is a diagnostic, not a silent empty model', () => {
    expect(parseSys('').diagnostics[0]?.code).toBe('empty-output');
  });
});

describe('sys -t', () => {
  for (const s of scenarios) {
    it(`${s}: taint letters match meta.json's taint string`, () => {
      const taint = taintString(fixtureMeta(s));
      // "Tainted: G           OE": the letters after G are the set taints; "Not tainted": none.
      const expected = taint === 'Not tainted' ? '' : taint.replace(/^Tainted: G\s*/, '').replace(/\s/g, '');
      for (const v of ['8.0.6', '8.0.2'] as const) {
        const { model, diagnostics } = parseSysTaint(transcript(s, 'sys -t', v));
        expect(problems(diagnostics)).toEqual([]);
        expect(model.flags.map((f) => f.letter).sort().join('')).toBe([...expected].sort().join(''));
        expect(model.tainted).toBe(expected !== '');
      }
    });
  }

  it('decodes O and E to the out-of-tree and unsigned module taints', () => {
    const { model } = parseSysTaint('TAINTED_MASK: 3000  OE\n');
    expect(model.flags.map((f) => f.name)).toEqual(['TAINT_OOT_MODULE', 'TAINT_UNSIGNED_MODULE']);
    expect(model.maskValue).toBe(0x3000);
  });

  it('flags disagreement between crash letters and the mask, and unknown bits', () => {
    // bit 9 is W (kernel/panic.c); crash claims P.
    expect(parseSysTaint('TAINTED_MASK: 200  P').diagnostics.map((d) => d.code)).toContain('taint-mismatch');
    const { model, diagnostics } = parseSysTaint('TAINTED_MASK: 80000000  ?');
    expect(model.flags[0]?.bit).toBe(31);
    expect(diagnostics.map((d) => d.code)).toContain('unknown-taint-bit');
  });
});
