/** `crashdeck run` end to end through the real bin script and real crash 8.0.6. */
import { describe, expect, it } from 'vitest';
import { runCrashdeck as crashdeck } from '../../support/cli.ts';
import { crash806, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const strip = (t: string): string[] => t.split('\n').map((l) => l.trimEnd()).filter((l) => !/^\s*(KERNEL|DUMPFILE): /.test(l));

describe('crashdeck run', () => {
  it('prints JSON with raw, parsed and timings per command; exit 1 when a command reported an error', async () => {
    const r = await crashdeck(['run', vmcorePath('oom-slab-leak'), '--vmlinux', vmlinuxPath(), '--crash', crash806(), '--json', '--', 'sys', 'kmem -s', 'vm 999999']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      session: { crashVersion: string; release: string };
      commands: { command: string; raw: string; parsed: unknown; durationMs: number; error: string | null }[];
      timings: { startupMs: number; totalMs: number };
    };
    expect(doc.session.crashVersion).toBe('8.0.6');
    expect(doc.commands.map((c) => c.command)).toEqual(['sys', 'kmem -s', 'vm 999999']);
    expect(strip(doc.commands[0]?.raw ?? '')).toEqual(strip(transcript('oom-slab-leak', 'sys')));
    expect(strip(doc.commands[1]?.raw ?? '')).toEqual(strip(transcript('oom-slab-leak', 'kmem -s')));
    expect(doc.commands[2]?.error).toBe('vm: invalid task or pid value: 999999');
    expect(doc.commands[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(doc.timings.totalMs).toBeGreaterThanOrEqual(doc.timings.startupMs);
  });

  it('prints raw output, crash taken from CRASHDECK_CRASH; exit 0', async () => {
    const r = await crashdeck(['run', vmcorePath('panic-sysrq'), '--vmlinux', vmlinuxPath(), '--', 'sys -t'], { CRASHDECK_CRASH: crash806() });
    expect(r.code).toBe(0);
    expect(strip(r.stdout)).toEqual(strip(transcript('panic-sysrq', 'sys -t')));
  });

  it('says in one line what is wrong with a missing dump; exit 3', async () => {
    const r = await crashdeck(['run', '/nonexistent/vmcore', '--crash', crash806(), '--', 'sys']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no such file: /nonexistent/vmcore');
  });

  it('explains usage errors; exit 2', async () => {
    const r = await crashdeck(['run', vmcorePath('panic-sysrq')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no commands');
    const h = await crashdeck(['run', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--timeout S');
  });
});
