/**
 * What to install or fetch for the full (crash-based) analysis of a dump, named from its own
 * identity: the distribution's debug-kernel package for the release, and the build-id a
 * debuginfod server (or `debuginfod-find`) hands the exact vmlinux out by.
 */
import type { DumpIdentity } from './vmcoreinfo.ts';

/** Which distribution family a kernel release string comes from, when its shape says so. */
export function releaseFamily(release: string): 'debian' | 'ubuntu' | 'rhel' | 'fedora' | 'suse' | null {
  if (/\+deb\d+|-(?:cloud-)?(?:amd64|arm64|686|rt-amd64)$/.test(release) && !/-generic|-aws|-azure|-gcp/.test(release)) return 'debian';
  if (/-(?:generic|lowlatency|aws|azure|gcp|oracle|kvm)(?:-\S+)?$/.test(release)) return 'ubuntu';
  if (/\.el\d+/.test(release)) return 'rhel';
  if (/\.fc\d+/.test(release)) return 'fedora';
  if (/-default$/.test(release)) return 'suse';
  return null;
}

/** The debug-vmlinux package per family for this release, the dump's own family first. */
export function debugPackages(release: string): string[] {
  const all: Array<[ReturnType<typeof releaseFamily>, string]> = [
    ['debian', `Debian: linux-image-${release}-dbg`],
    ['ubuntu', `Ubuntu: linux-image-${release}-dbgsym (ddebs.ubuntu.com; linux-image-unsigned-${release}-dbgsym for signed kernels)`],
    ['rhel', `RHEL/CentOS/Alma/Rocky: kernel-debuginfo-${release} (dnf debuginfo-install kernel-${release})`],
    ['fedora', `Fedora: kernel-debuginfo-${release} (dnf debuginfo-install kernel-${release})`],
    ['suse', `SUSE: kernel-default-debuginfo`],
  ];
  const fam = releaseFamily(release);
  if (fam) return all.filter(([f]) => f === fam).map(([, s]) => s);
  return all.filter(([f]) => f !== 'suse').map(([, s]) => s);
}

/**
 * Lines telling the user what gets them from the log-based verdict to crash's: the package,
 * the build-id fetch, and crash itself when it is the missing piece.
 */
export function fullAnalysisHints(identity: Pick<DumpIdentity, 'release' | 'buildId'>, missing: { vmlinux: boolean; crash: boolean }): string[] {
  const out: string[] = [];
  if (missing.vmlinux) {
    const rel = identity.release;
    if (rel) out.push(`Install the debug vmlinux of ${rel}: ${debugPackages(rel).join('; ')}; or pass --vmlinux PATH.`);
    else out.push('Install the debug vmlinux of the dump\'s kernel (its release could not be read from the dump) or pass --vmlinux PATH.');
    if (identity.buildId) {
      out.push(`Or fetch it by build-id ${identity.buildId} from a debuginfod server: DEBUGINFOD_URLS=https://debuginfod.debian.net debuginfod-find debuginfo ${identity.buildId} (Ubuntu: debuginfod.ubuntu.com, Fedora: debuginfod.fedoraproject.org).`);
    } else {
      out.push('The dump carries no BUILD-ID (kernels before 5.9): match the vmlinux by release.');
    }
  }
  if (missing.crash) {
    out.push('Install crash 8.0.4 or newer (Debian/Ubuntu: apt-get install crash; RHEL/Fedora: dnf install crash) or pass --crash PATH.');
  }
  return out;
}
