/**
 * What an analysis host offers — crash and its version, dumps in the crash directory (the same
 * layouts as locally), debug vmlinux candidates per dump release, free disk, working `sudo -n` —
 * found by running native-tools/probe.sh there through any Transport (SSH or local).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError, type DumpEntry } from '../api/contract.ts';
import type { Transport } from './types.ts';
import { readShippedFile, resourcesPath } from '../shipped-file.ts';

/** One dump found by the probe. */
export interface ProbedDump extends DumpEntry {
  /** Kernel release read from the dump header (or its dmesg), null when unreadable. */
  release: string | null;
  /** makedumpfile did not finish (RHEL `vmcore-incomplete`). */
  incomplete: boolean;
}

/** A debug vmlinux candidate that exists on the host. */
export interface VmlinuxCandidate {
  path: string;
  size: number;
}

/** The probe's findings. */
export interface ProbeResult {
  hostName: string;
  hostRelease: string;
  /** null when no crash binary was found. */
  crash: { path: string; version: string | null } | null;
  crashDir: string;
  crashDirExists: boolean;
  /** 'missing' when sudo is not installed. */
  sudo: 'yes' | 'no' | 'missing';
  diskFree: { path: string; bytes: number } | null;
  dumps: ProbedDump[];
  /** Existing vmlinux candidates per kernel release (dump releases and the host's own). */
  debuginfo: Record<string, VmlinuxCandidate[]>;
}

/** Options for one probe run. */
export interface ProbeOptions {
  crashDir?: string;
  /** A crash binary to check instead of the one on PATH. */
  crashPath?: string;
  /** Run the probe through `sudo -n` (sees root-only dumps and their releases). */
  sudo?: boolean;
  /** Prefix for the debuginfo locations (a mounted image of the crashed system). */
  sysroot?: string;
  timeoutMs?: number;
}

/** The probe script's text (read once): CRASHDECK_NATIVE_TOOLS, beside the sources (dev, CLI), or a packaged app's resources. */
export function probeScript(): Promise<string> {
  return readShippedFile('probe.sh', () => [
    process.env.CRASHDECK_NATIVE_TOOLS ? path.join(process.env.CRASHDECK_NATIVE_TOOLS, 'probe.sh') : null,
    fileURLToPath(new URL('../../native-tools/probe.sh', import.meta.url)),
    resourcesPath('native-tools', 'probe.sh'),
  ], (tried) => new ApiError('internal', `native-tools/probe.sh not found (looked in ${tried.join(', ')})`, 'Set CRASHDECK_NATIVE_TOOLS to the directory holding probe.sh.'));
}

/** Run the probe on the transport's host and parse what it reports. */
export async function runProbe(transport: Transport, options: ProbeOptions = {}): Promise<ProbeResult> {
  const script = await probeScript();
  const args = ['-c', script, 'crashdeck-probe', options.crashDir ?? '/var/crash', options.crashPath ?? '', options.sysroot ?? ''];
  const r = await transport.exec({ command: 'sh', args, ...(options.sudo ? { sudo: true } : {}) }, { timeoutMs: options.timeoutMs ?? 60_000, maxBytes: 4 * 1024 * 1024 });
  if (r.code !== 0) {
    const why = r.stderr.trim() || `exit code ${r.code ?? r.signal}`;
    if (options.sudo && /sudo/.test(why)) throw new ApiError('refused', `sudo -n on ${transport.label} failed: ${why}`, 'Allow passwordless sudo for crash on that host, or probe without sudo.');
    throw new ApiError('internal', `the probe failed on ${transport.label}: ${why}`);
  }
  return parseProbeOutput(r.stdout);
}

/** Parse probe.sh output (NUL-terminated key=value tokens). Unknown keys are ignored. */
export function parseProbeOutput(text: string): ProbeResult {
  const result: ProbeResult = {
    hostName: '',
    hostRelease: '',
    crash: null,
    crashDir: '',
    crashDirExists: false,
    sudo: 'missing',
    diskFree: null,
    dumps: [],
    debuginfo: {},
  };
  let dump: ProbedDump | undefined;
  let release: string | undefined;
  let vmlinux: VmlinuxCandidate | undefined;
  let diskBytes: number | undefined;
  let diskPath: string | undefined;
  for (const token of text.split('\0')) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    switch (key) {
      case 'host.name': result.hostName = value; break;
      case 'host.release': result.hostRelease = value; break;
      case 'crash.path': result.crash = { path: value, version: null }; break;
      case 'crash.version': if (result.crash) result.crash.version = value || null; break;
      case 'crash.dir': result.crashDir = value; break;
      case 'crash.dir.exists': result.crashDirExists = value === 'yes'; break;
      case 'sudo': result.sudo = value === 'yes' ? 'yes' : value === 'no' ? 'no' : 'missing'; break;
      case 'disk.free.bytes': diskBytes = Number(value); break;
      case 'disk.free.path': diskPath = value; break;
      case 'dump':
        dump = { vmcore: value, dmesg: null, size: 0, mtimeMs: 0, layout: 'file', release: null, incomplete: false };
        result.dumps.push(dump);
        break;
      case 'dump.layout': if (dump && (value === 'kdump-tools' || value === 'rhel' || value === 'file')) dump.layout = value; break;
      case 'dump.size': if (dump) dump.size = Number(value); break;
      case 'dump.mtime': if (dump) dump.mtimeMs = Number(value) * 1000; break;
      case 'dump.dmesg': if (dump) dump.dmesg = value; break;
      case 'dump.release': if (dump) dump.release = value || null; break;
      case 'dump.incomplete': if (dump) dump.incomplete = value === 'yes'; break;
      case 'debuginfo':
        release = value;
        result.debuginfo[value] ??= [];
        break;
      case 'vmlinux':
        if (release !== undefined) {
          vmlinux = { path: value, size: 0 };
          result.debuginfo[release]?.push(vmlinux);
        }
        break;
      case 'vmlinux.size': if (vmlinux) vmlinux.size = Number(value); break;
    }
  }
  if (diskBytes !== undefined && Number.isFinite(diskBytes)) result.diskFree = { path: diskPath ?? result.crashDir, bytes: diskBytes };
  return result;
}
