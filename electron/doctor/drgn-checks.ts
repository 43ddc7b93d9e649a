/**
 * `crashdeck doctor`'s drgn checks, on the host holding the dumps: drgn found (which python3,
 * which drgn), what it reads of each dump kernel (electron/drgn/drgn-requirements.ts, measured on
 * the fixtures), and for one named dump whether it really loads it. drgn is the second engine:
 * without it crash still answers, so a missing or partial drgn is a warning with its fix.
 */
import { drgnNeededFor, drgnSupportFor, recommendedDrgn } from '../drgn/drgn-requirements.ts';
import { findDrgnPython } from '../drgn/probe.ts';
import { DrgnError, DrgnSession } from '../drgn/session.ts';
import type { Transport } from '../transport/types.ts';
import type { DoctorCheck } from './types.ts';

/** A dump kernel the host has (or will write), with the files to load it when known. */
export interface DrgnDumpTarget {
  release: string | null;
  /** Load this dump for real (the doctor's --dump with its vmlinux found). */
  load?: { vmcore: string; vmlinux: string };
}

/** The command that puts a drgn for `release` on the host (null: the newest measured one). */
export function drgnInstallFix(release: string | null, host: string | null, debianLike: boolean): string {
  const want = release ? drgnNeededFor(release) : recommendedDrgn;
  const arg = want === recommendedDrgn ? '' : ` ${want}`;
  if (!debianLike) {
    return `${host ? `On ${host}: ` : ''}install your distribution's drgn (Fedora/RHEL: dnf install python3-drgn, Arch: pacman -S drgn), drgn ${want} or newer, and name its python3 with CRASHDECK_DRGN_PYTHON.`;
  }
  if (want === '0.0.22') return `${host ? `On ${host}: ` : ''}sudo apt-get install python3-drgn`;
  return host
    ? `On ${host}: copy native-tools/install-drgn.sh there and run \`bash install-drgn.sh${arg}\` (drgn ${want} in a private prefix, nothing system-wide); it prints the python3 to name with CRASHDECK_DRGN_PYTHON.`
    : `Run: bash native-tools/install-drgn.sh${arg} (drgn ${want} in a private prefix, recorded in crashdeck's settings; Debian's python3-drgn where it is new enough).`;
}

/** The drgn checks; never throws. */
export async function drgnChecks(t: Transport, named: string | null, targets: readonly DrgnDumpTarget[], debianLike: boolean): Promise<DoctorCheck[]> {
  const where = t.kind === 'ssh' ? t.label : 'this machine';
  const host = t.kind === 'ssh' ? t.label : null;
  const out: DoctorCheck[] = [];
  const probe = await findDrgnPython(t, named);
  const python = probe.python;
  if (!probe.found) {
    out.push({
      id: 'drgn', where, title: 'drgn found (second engine)', status: 'warn',
      detail: `${probe.reason === 'no-drgn' ? `${python} cannot import drgn (${probe.detail})` : `${python} does not run: ${probe.detail}`}${named ? '' : ' (nor /usr/bin/python3)'}`,
      fix: `${drgnInstallFix(targets[0]?.release ?? null, host, debianLike)} Without drgn, crash answers alone (slower to start, and no answers on kernels crash cannot read).`,
    });
    return out;
  }
  out.push({ id: 'drgn', where, title: 'drgn found (second engine)', status: 'ok', detail: `${python}: drgn ${probe.drgn} (python ${probe.pythonVersion})` });
  const seen = new Set<string>();
  for (const target of targets) {
    if (!target.release || seen.has(target.release)) continue;
    seen.add(target.release);
    const title = `drgn reads kernel ${target.release}`;
    const row = drgnSupportFor(probe.drgn, target.release);
    if (!row) {
      out.push({ id: 'drgn-kernel', where, title, status: 'skip', detail: `crashdeck has not measured drgn ${probe.drgn} on ${target.release} (it judges 6.1 and later, drgn 0.0.22 and later)` });
      continue;
    }
    const everything = row.reads.includes('stacks') && row.reads.includes('slab') && row.reads.includes('moduleFrames');
    out.push(everything
      ? { id: 'drgn-kernel', where, title, status: 'ok', detail: `drgn ${probe.drgn} reads it whole (measured on the fixtures: ${row.reads.join(', ')})` }
      : { id: 'drgn-kernel', where, title, status: 'warn', detail: `drgn ${probe.drgn} reads ${row.reads.join(', ')}; ${row.caveat ?? ''}`.trim(), fix: drgnInstallFix(target.release, host, debianLike) });
  }
  for (const target of targets) {
    if (!target.load) continue;
    out.push(await loadCheck(t, python, target.load, where));
  }
  return out;
}

/** Start the engine on the dump and ask `sys`: the proof that this drgn reads this dump. */
async function loadCheck(t: Transport, python: string, load: { vmcore: string; vmlinux: string }, where: string): Promise<DoctorCheck> {
  const title = `drgn loads ${load.vmcore}`;
  const session = new DrgnSession({ transport: t, python, vmcore: load.vmcore, vmlinux: load.vmlinux, startupTimeoutMs: 120_000, requestTimeoutMs: 60_000 });
  try {
    const started = Date.now();
    const ready = await session.start();
    const sys = await session.ask('sys');
    return { id: 'drgn-dump', where, title, status: 'ok', detail: `kernel ${sys.release}, ${sys.tasks} tasks, loaded in ${((Date.now() - started) / 1000).toFixed(1)} s (drgn ${ready.drgn}${ready.features.moduleKallsyms ? ', module symbols from memory' : ''})` };
  } catch (err) {
    const e = err instanceof DrgnError ? err : new DrgnError('drgn-load-failed', String(err));
    return { id: 'drgn-dump', where, title, status: 'warn', detail: e.message, ...(e.hint ? { fix: e.hint } : {}) };
  } finally {
    await session.close();
  }
}
