/**
 * Every crash transcript directory of a fixture, per crash version, and the facts a test can read
 * from the dump file itself (its kdump header's vmcoreinfo), independent of crash.
 */
import { existsSync, openSync, readSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureMeta, fixturesDir, transcript, type Scenario, type TranscriptCrash } from './fixtures.ts';
import type { DumpCompleteness } from '../../electron/api/contract.ts';
import { assessCompleteness } from '../../electron/crash/incomplete-dump.ts';
import { parseSys } from '../../electron/parse/sys.ts';

/** One transcript directory of a scenario. */
export interface TranscriptDir {
  crash: TranscriptCrash;
  dir: string;
}

/** One transcript file: the crash command (file name with `_` back to spaces) and its text. */
export interface TranscriptFile {
  command: string;
  file: string;
  text: string;
}

const dirNames: Record<TranscriptCrash, string> = {
  '8.0.6': 'transcripts',
  '9.0.2': 'transcripts-crash-9.0.2',
  '8.0.2': 'transcripts-crash-8.0.2',
};

/** The transcript directories a scenario has (8.0.6 always; 9.0.2 and 8.0.2 where recorded). */
export function transcriptDirs(scenario: Scenario): TranscriptDir[] {
  const out: TranscriptDir[] = [];
  for (const crash of Object.keys(dirNames) as TranscriptCrash[]) {
    const dir = path.join(fixturesDir(), scenario, dirNames[crash]);
    if (existsSync(dir)) out.push({ crash, dir });
  }
  if (!out.some((d) => d.crash === '8.0.6')) throw new Error(`fixture ${scenario} has no transcripts/ directory`);
  return out;
}

/** Every `.txt` transcript in a directory, sorted by name. */
export function transcriptFiles(dir: string): TranscriptFile[] {
  return readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => ({
    command: f.slice(0, -4).replaceAll('_', ' '),
    file: path.join(dir, f),
    text: readFileSync(path.join(dir, f), 'utf8'),
  }));
}

/**
 * The VMCOREINFO the kernel wrote into a kdump-compressed dump (KEY=value lines), read straight
 * from the file: disk_dump_header.block_size at byte 428, then the kdump sub-header one block in
 * holds offset_vmcoreinfo / size_vmcoreinfo at +32 / +40 (makedumpfile's diskdump_mod.h).
 */
export function vmcoreInfo(scenario: Scenario): Record<string, string> {
  const fd = openSync(path.join(fixturesDir(), scenario, 'vmcore'), 'r');
  try {
    const head = Buffer.alloc(8192);
    readSync(fd, head, 0, head.length, 0);
    if (head.subarray(0, 8).toString('latin1') !== 'KDUMP   ') throw new Error(`${scenario}/vmcore is not kdump-compressed`);
    const blockSize = head.readInt32LE(428);
    const sub = Buffer.alloc(48);
    readSync(fd, sub, 0, sub.length, blockSize);
    const offset = Number(sub.readBigUInt64LE(32));
    const size = Number(sub.readBigUInt64LE(40));
    if (size <= 0 || size > 1 << 20) throw new Error(`${scenario}/vmcore: implausible vmcoreinfo size ${size}`);
    const info = Buffer.alloc(size);
    readSync(fd, info, 0, size, offset);
    const out: Record<string, string> = {};
    for (const line of info.toString('latin1').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** guest/ps.before-push rows (busybox ps: PID PPID USER RSS VSZ COMMAND), recorded in the guest. */
export function guestPs(scenario: Scenario): { pid: number; ppid: number; comm: string }[] {
  const text = readFileSync(path.join(fixturesDir(), scenario, 'guest', 'ps.before-push'), 'utf8');
  return text.split('\n').slice(1).filter((l) => l.trim()).map((l) => {
    const f = l.trim().split(/\s+/);
    return { pid: Number(f[0]), ppid: Number(f[1]), comm: f.slice(5).join(' ') };
  });
}

/** guest/facts.env as a map. */
export function guestFacts(scenario: Scenario): Record<string, string> {
  const text = readFileSync(path.join(fixturesDir(), scenario, 'guest', 'facts.env'), 'utf8');
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** A /proc/meminfo field (kB) recorded in the guest before the final push. */
export function guestMeminfoKb(scenario: Scenario, field: string): number {
  const text = readFileSync(path.join(fixturesDir(), scenario, 'guest', 'meminfo.before-push'), 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!m) throw new Error(`${scenario}: no ${field} in guest/meminfo.before-push`);
  return Number(m[1]);
}

/** crash's startup text (with -s) as a fixture's timings file quotes it ("  | " lines). */
export function crashStartupText(s: Scenario, crash: '8.0.6' | '9.0.2'): string {
  const text = readFileSync(path.join(fixturesDir(), s, crash === '8.0.6' ? 'timings.txt' : 'timings-crash-9.0.2.txt'), 'utf8');
  const start = text.indexOf('warnings / notes printed by crash at startup');
  const end = text.indexOf('startup banner without -s');
  return text.slice(start, end).split('\n').filter((l) => l.startsWith('  | ')).map((l) => l.slice(4)).join('\n');
}

/**
 * The session's task check on a fixture from what crash printed: its startup text, its `sys`
 * transcript, and `p nr_threads` as crash prints it — the incomplete dump's from meta.json truth
 * (tasks in the kernel minus one idle task per CPU), a complete dump's equal to crash's TASKS
 * minus its idle tasks (the integration tests read the real nr_threads).
 */
export function fixtureCompleteness(s: Scenario, crash: '8.0.6' | '9.0.2' = '8.0.6'): DumpCompleteness {
  const sysRaw = transcript(s, 'sys', crash);
  const sys = parseSys(sysRaw).model;
  const inc = (fixtureMeta(s).truth as { dump_incomplete?: { tasks_in_kernel: number } }).dump_incomplete;
  const nr = inc ? inc.tasks_in_kernel - (sys.cpus ?? 0) : (sys.tasks ?? 0) - (sys.cpus ?? 0);
  return assessCompleteness({ startupText: crashStartupText(s, crash), sysRaw, nrThreadsRaw: `nr_threads = $1 = ${nr}\n`, release: fixtureMeta(s).kernel.release });
}
