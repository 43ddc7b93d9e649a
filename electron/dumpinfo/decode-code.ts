/**
 * The `Code:` line of an Oops decoded the way the kernel's scripts/decodecode does it: the bytes
 * are written to a scratch file and disassembled with binutils' objdump on this machine (the
 * bytes come from the kernel log, so neither crash nor the vmlinux is needed). The part from the
 * marked byte on starts at RIP; for the part before it, the first start offset whose instructions
 * end exactly at RIP is taken, since x86 instructions have no fixed length.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** One decoded instruction, at a byte offset from RIP (negative before it). */
export interface CodeInstruction {
  offset: number;
  bytes: string;
  text: string;
}

/** The decoded Code: line; `atRip` indexes the instruction RIP points at. */
export interface DecodedCode {
  instructions: CodeInstruction[];
  atRip: number;
  /** How it was decoded, for the reader ("objdump 2.40, x86-64"). */
  tool: string;
}

/** "… 0f 1f 44 00 00 <8b> 04 25 …" → bytes and the index of the marked one; null for another shape. */
export function codeBytes(line: string): { bytes: number[]; rip: number } | null {
  const body = line.replace(/^.*?Code:\s*/, '').trim();
  const bytes: number[] = [];
  let rip = -1;
  for (const tok of body.split(/\s+/)) {
    const m = /^([<(])?([0-9a-f]{2})([>)])?$/.exec(tok);
    if (!m) return null;
    if (m[1] || m[3]) {
      if (rip >= 0) return null;
      rip = bytes.length;
    }
    bytes.push(parseInt(m[2]!, 16));
  }
  return rip >= 0 && bytes.length <= 256 ? { bytes, rip } : null;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** objdump's lines "   4:\t8b 04 25 04 00 00 00 \tmov    0x4,%eax" → instructions at their file offsets. */
function parseObjdump(out: string): { at: number; bytes: string; text: string }[] {
  const rows: { at: number; bytes: string; text: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(line);
    if (m) rows.push({ at: parseInt(m[1]!, 16), bytes: m[2]!.trim(), text: m[3]!.replace(/\s+/g, ' ').trim() });
    else {
      // A long instruction continues on the next line with bytes only.
      const c = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*$/.exec(line);
      if (c && rows.length) rows[rows.length - 1]!.bytes += ` ${c[2]!.trim()}`;
    }
  }
  return rows;
}

/** Decode the Code: line (x86-64 only); null when it has no marked byte or objdump is missing or fails. */
export async function decodeCodeLine(line: string, objdump = 'objdump'): Promise<DecodedCode | null> {
  const code = codeBytes(line);
  if (!code) return null;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-code-'));
  try {
    const file = path.join(dir, 'code.bin');
    await writeFile(file, Buffer.from(code.bytes));
    const version = /\b(\d+\.\d+(?:\.\d+)?)\s*$/m.exec((await run(objdump, ['--version'])).split('\n')[0] ?? '')?.[1] ?? '';
    const dis = (start: number): Promise<{ at: number; bytes: string; text: string }[]> =>
      run(objdump, ['-D', '-b', 'binary', '-m', 'i386:x86-64', `--start-address=${start}`, file]).then(parseObjdump);
    // The bytes end mid-instruction: what objdump makes of the cut-off tail is not code.
    const decoded = await dis(code.rip);
    const cut = decoded.findIndex((r) => /^\.byte|^rex|\(bad\)/.test(r.text));
    const after = cut > 0 ? decoded.slice(0, cut) : decoded;
    let before: { at: number; bytes: string; text: string }[] = [];
    for (let start = 0; start < code.rip; start++) {
      const rows = (await dis(start)).filter((r) => r.at < code.rip);
      const last = rows.at(-1);
      if (last && last.at + last.bytes.split(' ').length === code.rip && !rows.some((r) => /\(bad\)/.test(r.text))) {
        before = rows;
        break;
      }
    }
    const instructions = [...before, ...after].map((r) => ({ offset: r.at - code.rip, bytes: r.bytes, text: r.text }));
    return { instructions, atRip: before.length, tool: `objdump${version ? ` ${version}` : ''}, x86-64` };
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
