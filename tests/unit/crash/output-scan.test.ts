/** crash's error, WARNING and NOTE lines inside command output, on the fixtures' real transcripts. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanOutput } from '../../../electron/crash/output-scan.ts';
import { fixturesDir, scenarios, transcript } from '../../support/fixtures.ts';

function commandsOf(scenario: string, dir: string): string[] {
  return readdirSync(path.join(fixturesDir(), scenario, dir))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4).replaceAll('_', ' '));
}

describe('scanOutput', () => {
  it('finds no error in any crash 8.0.6 transcript (the fixtures README: none reports one)', () => {
    for (const s of scenarios) {
      for (const cmd of commandsOf(s, 'transcripts')) {
        expect(scanOutput(cmd, transcript(s, cmd)).errors, `${s}: ${cmd}`).toEqual([]);
      }
    }
  });

  it("finds 8.0.2's vm error with its FILE/LINE continuation", () => {
    const r = scanOutput('vm', transcript('panic-sysrq', 'vm', '8.0.2'));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^vm: invalid structure member offset: mm_struct_mmap\n\s+FILE: memory\.c\s+LINE: \d+\s+FUNCTION: vm_area_dump\(\)$/);
  });

  it("finds crash's own errors for unknown commands and bad arguments", () => {
    expect(scanOutput('foo', 'crash: command not found: foo\n').errors).toEqual(['crash: command not found: foo']);
    expect(scanOutput('vm 999999', 'vm: invalid task or pid value: 999999\n').errors).toEqual(['vm: invalid task or pid value: 999999']);
  });

  it('does not take another command\'s name or a process name for an error', () => {
    const raw = 'PID: 1  COMMAND: "init"\nkmem: not me\nfoo: bar\n';
    expect(scanOutput('ps', raw).errors).toEqual([]);
  });

  it('collects WARNING and NOTE lines, also when prefixed by the command', () => {
    const raw = 'WARNING: active task ffff888005610000 on cpu 0 not found in PID hash\nbt: WARNING: cannot determine starting stack frame\nNOTE: stdin: not a tty\nplain\n';
    expect(scanOutput('bt', raw).warnings).toEqual([
      'WARNING: active task ffff888005610000 on cpu 0 not found in PID hash',
      'bt: WARNING: cannot determine starting stack frame',
      'NOTE: stdin: not a tty',
    ]);
    expect(scanOutput('bt', raw).errors).toEqual([]);
  });
});
