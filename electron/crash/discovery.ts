/**
 * Finding what a dump needs and where dumps are: the debug vmlinux for a kernel release (search
 * order from the issue, each candidate verified by its "Linux version REL" banner) and the dumps
 * under a crash directory in kdump-tools' and RHEL's layouts.
 */
import { ApiError, type DumpEntry } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import { cacheDirOn, cachedDebuginfoPath, findCachedDebuginfo } from '../symbols/debuginfod-cache.ts';

/** Candidate vmlinux paths for `release`, in the order they are tried. */
export function vmlinuxCandidates(release: string, debuginfoDirs: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const d of debuginfoDirs) {
    out.push(`${d}/vmlinux-${release}`, `${d}/boot/vmlinux-${release}`, `${d}/lib/modules/${release}/vmlinux`, `${d}/${release}/vmlinux`);
  }
  out.push(`/usr/lib/debug/boot/vmlinux-${release}`, `/usr/lib/debug/lib/modules/${release}/vmlinux`, `/boot/vmlinux-${release}`);
  return out;
}

/** Outcome of checking a vmlinux against a release. */
export type VmlinuxCheck = { ok: true } | { ok: false; reason: string; code: 'vmlinux-mismatch' | 'vmlinux-not-found' };

const maxRodata = 64 * 1024 * 1024;

/**
 * Check that `path` is an ELF vmlinux built for `release`: the kernel's linux_banner
 * ("Linux version REL (...") lives in .rodata, which is a few MiB — read only that section.
 * A compressed or unusual vmlinux that we cannot inspect is accepted and left to crash.
 */
export async function verifyVmlinux(t: Transport, path: string, release: string | null): Promise<VmlinuxCheck> {
  const st = await t.stat(path);
  if (!st || !st.isFile) return { ok: false, code: 'vmlinux-not-found', reason: `vmlinux not found: ${path}` };
  const h = await t.readRange(path, 0, 64);
  if (h.length >= 2 && h[0] === 0x1f && h[1] === 0x8b) return { ok: true }; // gzip: crash unpacks it
  if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46) return { ok: false, code: 'vmlinux-mismatch', reason: `${path} is not an ELF kernel image` };
  if (release === null || h[4] !== 2 || h[5] !== 1) return { ok: true };
  const shoff = Number(h.readBigUInt64LE(40));
  const shentsize = h.readUInt16LE(58);
  const shnum = h.readUInt16LE(60);
  const shstrndx = h.readUInt16LE(62);
  if (shentsize < 64 || shnum === 0 || shstrndx >= shnum) return { ok: true };
  const sh = await t.readRange(path, shoff, shentsize * shnum);
  const sect = (i: number): { name: number; offset: number; size: number } => ({
    name: sh.readUInt32LE(i * shentsize),
    offset: Number(sh.readBigUInt64LE(i * shentsize + 24)),
    size: Number(sh.readBigUInt64LE(i * shentsize + 32)),
  });
  const strtab = sect(shstrndx);
  const names = await t.readRange(path, strtab.offset, Math.min(strtab.size, 1 << 20));
  let rodata: { offset: number; size: number } | null = null;
  for (let i = 0; i < shnum; i++) {
    const s = sect(i);
    const end = names.indexOf(0, s.name);
    if (names.toString('latin1', s.name, end < 0 ? undefined : end) === '.rodata') rodata = s;
  }
  if (!rodata) return { ok: false, code: 'vmlinux-mismatch', reason: `${path} has no .rodata section: not a vmlinux` };
  if (rodata.size > maxRodata) return { ok: true };
  const data = await t.readRange(path, rodata.offset, rodata.size);
  if (data.includes(`Linux version ${release} (`, 0, 'latin1')) return { ok: true };
  const other = /Linux version (\S+) \(/.exec(data.toString('latin1', Math.max(0, data.indexOf('Linux version ')), Math.max(0, data.indexOf('Linux version ')) + 200));
  return { ok: false, code: 'vmlinux-mismatch', reason: `${path} is ${other ? `the vmlinux of ${other[1]}` : 'not built for this kernel'}, the dump is ${release}` };
}

/**
 * The vmlinux to use: the given one (verified), else the first verified candidate, else the
 * debuginfod client cache's file for the dump's build-id (shared with gdb and drgn; verified by
 * its build-id note).
 */
export async function findVmlinux(t: Transport, release: string | null, opts: { given?: string | undefined; debuginfoDirs?: readonly string[]; buildId?: string | null; env?: NodeJS.ProcessEnv }): Promise<string> {
  const hint = `Install the debug vmlinux for ${release ?? 'the dump\'s kernel'} (Debian/Ubuntu: linux-image-${release ?? 'REL'}-dbg or -dbgsym; RHEL/Fedora: kernel-debuginfo-${release ?? 'REL'}) or give its path.`;
  if (opts.given) {
    const check = await verifyVmlinux(t, opts.given, release);
    if (!check.ok) throw new ApiError(check.code, check.reason, hint);
    return opts.given;
  }
  const tried: string[] = [];
  for (const p of release === null ? [] : vmlinuxCandidates(release, opts.debuginfoDirs)) {
    tried.push(p);
    const st = await t.stat(p).catch(() => null);
    if (!st?.isFile) continue;
    const check = await verifyVmlinux(t, p, release);
    if (check.ok) return p;
  }
  if (opts.buildId) {
    const cache = await cacheDirOn(t, opts.env);
    if (cache) {
      const cached = await findCachedDebuginfo(t, cache, opts.buildId);
      if (cached) return cached;
      tried.push(cachedDebuginfoPath(cache, opts.buildId));
    }
  }
  if (release === null && tried.length === 0) throw new ApiError('vmlinux-not-found', 'no vmlinux given and the dump\'s kernel release is unknown', hint);
  const debuginfod = opts.buildId ? ` Or fetch it by build-id ${opts.buildId}: set DEBUGINFOD_URLS (e.g. https://debuginfod.debian.net) and run crashdeck triage again.` : '';
  throw new ApiError('vmlinux-not-found', `no debug vmlinux for ${release ?? `build-id ${opts.buildId}`} found (looked in ${tried.join(', ')})`, hint + debuginfod);
}

const stampRe = /^\d{12}$/;

async function entryFor(t: Transport, vmcore: string, dmesg: string | null, layout: DumpEntry['layout']): Promise<DumpEntry | null> {
  const st = await t.stat(vmcore).catch(() => null);
  if (!st?.isFile) return null;
  const dm = dmesg ? await t.stat(dmesg).catch(() => null) : null;
  return { vmcore, dmesg: dm?.isFile ? dmesg : null, size: st.size, mtimeMs: st.mtimeMs, layout };
}

/**
 * Dumps under a crash directory, newest first:
 * kdump-tools `STAMP/dump.STAMP` (+ `dmesg.STAMP`), RHEL `<ip>-<date>/vmcore` (+ `vmcore-dmesg.txt`),
 * and loose `vmcore*` / `dump.*` files directly in the directory.
 */
export async function listDumps(t: Transport, dir: string): Promise<DumpEntry[]> {
  const names = await t.listDir(dir);
  if (names === null) return [];
  const found: DumpEntry[] = [];
  for (const name of names.sort()) {
    const p = `${dir.replace(/\/+$/, '')}/${name}`;
    const st = await t.stat(p).catch(() => null);
    if (!st) continue;
    if (st.isFile) {
      if (/^(vmcore|dump\.)/.test(name) && !/dmesg/.test(name)) {
        const e = await entryFor(t, p, null, 'file');
        if (e) found.push(e);
      }
      continue;
    }
    if (!st.isDirectory) continue;
    const inner = (await t.listDir(p)) ?? [];
    if (stampRe.test(name) && inner.includes(`dump.${name}`)) {
      const e = await entryFor(t, `${p}/dump.${name}`, inner.includes(`dmesg.${name}`) ? `${p}/dmesg.${name}` : null, 'kdump-tools');
      if (e) found.push(e);
      continue;
    }
    const kdump = inner.find((n) => /^dump\.\d+$/.test(n));
    if (kdump) {
      const stamp = kdump.slice(5);
      const e = await entryFor(t, `${p}/${kdump}`, inner.includes(`dmesg.${stamp}`) ? `${p}/dmesg.${stamp}` : null, 'kdump-tools');
      if (e) found.push(e);
      continue;
    }
    if (inner.includes('vmcore')) {
      const e = await entryFor(t, `${p}/vmcore`, inner.includes('vmcore-dmesg.txt') ? `${p}/vmcore-dmesg.txt` : null, 'rhel');
      if (e) found.push(e);
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}
