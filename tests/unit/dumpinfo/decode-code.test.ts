/**
 * The Oops `Code:` line decoded as scripts/decodecode does (objdump from binutils), on the real
 * fixtures' logs: the instruction at RIP starts at the marked byte, the instructions before it
 * end exactly there, and on the NULL dereference the instruction at RIP reads the faulting address.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeBytes, decodeCodeLine } from '../../../electron/dumpinfo/decode-code.ts';
import { fixtureFile, type Scenario } from '../../support/fixtures.ts';

function codeLines(s: Scenario): string[] {
  return readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8').split('\n').filter((l) => /\] Code: /.test(l));
}

describe('decodeCodeLine', () => {
  for (const s of ['oops-syscall-6.12', 'softlockup-spin-6.12', 'hung-mutex-6.12'] as const) {
    it(`${s}: every Code: line decodes with RIP at the marked byte`, async () => {
      const lines = codeLines(s);
      if (s !== 'hung-mutex-6.12') expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const d = (await decodeCodeLine(line))!;
        expect(d.tool).toMatch(/^objdump [\d.]+, x86-64$/);
        expect(d.instructions[d.atRip]!.offset).toBe(0);
        const before = d.instructions.slice(0, d.atRip);
        if (before.length) {
          const last = before.at(-1)!;
          expect(last.offset + last.bytes.split(' ').length).toBe(0);
        }
        // Every byte from the first decoded instruction to the end of the last is accounted for once.
        const marked = codeBytes(line)!;
        const joined = d.instructions.flatMap((i) => i.bytes.split(' ')).map((b) => parseInt(b, 16));
        const from = marked.rip + d.instructions[0]!.offset;
        expect(joined).toEqual(marked.bytes.slice(from, from + joined.length));
      }
    });
  }

  it('oops-syscall-6.12: the instruction at RIP reads the address the BUG line names', async () => {
    const log = readFileSync(fixtureFile('oops-syscall-6.12', 'vmcore-dmesg.txt'), 'utf8');
    const address = BigInt(`0x${/BUG: kernel NULL pointer dereference, address: ([0-9a-f]+)/.exec(log)![1]}`);
    const d = (await decodeCodeLine(codeLines('oops-syscall-6.12')[0]!))!;
    expect(d.instructions[d.atRip]!.text).toMatch(new RegExp(`^mov\\s+0x${address.toString(16)},`));
  });

  it('says nothing for a line without a marked byte, a hostile line, or without objdump', async () => {
    expect(await decodeCodeLine('Code: 48 89 e5 5d c3')).toBeNull();
    expect(await decodeCodeLine('Code: 48 <89> $(reboot) c3')).toBeNull();
    expect(await decodeCodeLine('Code: 48 <89> e5', '/nonexistent/objdump')).toBeNull();
  });
});
