/** Framing crash's concatenated stdout into per-command outputs, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { CommandFramer, newNonce, type Frame } from '../../../electron/crash/framing.ts';

/** What the shell prints for a marker command: the quotes are gone. */
function printed(framer: CommandFramer, seq: number): string {
  return framer.markerCommand(seq).replace(/^!echo /, '').replaceAll('""', '');
}

function feed(framer: CommandFramer, chunks: string[]): Frame[] {
  return chunks.flatMap((c) => framer.push(c));
}

describe('CommandFramer', () => {
  const outputs = ['      KERNEL: /x/vmlinux\n    DUMPFILE: vmcore\n', 'crash: command not found: foo\n', '', 'PID: 1  TASK: ffff  CPU: 0  COMMAND: "init"\n'.repeat(50)];

  function stream(framer: CommandFramer): string {
    return [`WARNING: startup warning\n${printed(framer, 0)}`, ...outputs.map((o, i) => o + printed(framer, i + 1))].join('');
  }

  it('splits a stream into startup text and one frame per command', () => {
    const f = new CommandFramer(newNonce());
    const frames = feed(f, [stream(f)]);
    expect(frames.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(frames[0]?.text).toBe('WARNING: startup warning\n');
    expect(frames.slice(1).map((x) => x.text)).toEqual(outputs);
  });

  it('gives the same frames when the stream is cut at every possible position', () => {
    const f0 = new CommandFramer('abc123');
    const whole = stream(f0);
    const expected = feed(new CommandFramer('abc123'), [whole]);
    for (let cut = 1; cut < whole.length; cut += 7) {
      const f = new CommandFramer('abc123');
      expect(feed(f, [whole.slice(0, cut), whole.slice(cut)])).toEqual(expected);
    }
  });

  it('survives one-character chunks (a marker split across many reads)', () => {
    const f = new CommandFramer('n0nce');
    const whole = stream(f);
    expect(feed(f, [...whole])).toEqual(feed(new CommandFramer('n0nce'), [whole]));
  });

  it('ends a frame whose output lacks a final newline where the marker starts', () => {
    const f = new CommandFramer('k');
    expect(f.push(`partial line${printed(f, 7)}next`)).toEqual([{ seq: 7, text: 'partial line' }]);
    expect(f.pending()).toBe('next');
  });

  it('waits for the end of the marker line before closing the frame', () => {
    const f = new CommandFramer('k');
    const m = printed(f, 12);
    expect(f.push(`out\n${m.slice(0, -2)}`)).toEqual([]);
    expect(f.push(m.slice(-2))).toEqual([{ seq: 12, text: 'out\n' }]);
  });

  it('does not take the marker command as crash keeps it in history (quotes intact) for a marker', () => {
    const f = new CommandFramer('k');
    const history = `  1  ${f.markerCommand(3).trim()}\n  2  sys\n`;
    expect(f.push(history)).toEqual([]);
    expect(f.push(printed(f, 4))).toEqual([{ seq: 4, text: history }]);
  });

  it('ignores look-alike markers from dump text (another nonce) and accepts CRLF endings', () => {
    const f = new CommandFramer('real');
    const fake = new CommandFramer('fake');
    const text = `comm ${printed(fake, 1)}`;
    expect(f.push(text)).toEqual([]);
    expect(f.push(printed(f, 1).replace('\n', '\r\n'))).toEqual([{ seq: 1, text }]);
  });

  it('uses a fresh random nonce per framer', () => {
    expect(newNonce()).not.toBe(newNonce());
    expect(newNonce()).toMatch(/^[0-9a-f]{24}$/);
  });
});
