/**
 * The checks that follow from a host's facts alone (pure, so every branch is testable without
 * such a host): makedumpfile present, and on a host that writes dumps, kdump armed and its
 * makedumpfile new enough for the running kernel.
 */
import { compareCrashVersions } from '../crash/crash-requirements.ts';
import type { HostFacts } from './host-facts.ts';
import { makedumpfileHandles, makedumpfileSupport, minimumMakedumpfileFor } from '../crash/makedumpfile-support.ts';
import type { DoctorCheck } from './types.ts';

type Check = Omit<DoctorCheck, 'where'>;

/** Which family of package manager the host uses. */
function family(f: HostFacts): 'debian' | 'fedora' | 'suse' | 'arch' | 'other' {
  const ids = ` ${f.osId} ${f.osLike} `;
  if (/ (debian|ubuntu) /.test(ids)) return 'debian';
  if (/ (fedora|rhel|centos) /.test(ids)) return 'fedora';
  if (/ (suse|opensuse|sles)/.test(ids)) return 'suse';
  if (/ arch /.test(ids)) return 'arch';
  return 'other';
}

/** "sudo apt-get install PKG" and its dnf/zypper/pacman counterparts for the host's distribution. */
export function packageCommand(f: HostFacts, pkg: string): string {
  switch (family(f)) {
    case 'debian': return `sudo apt-get install ${pkg}`;
    case 'fedora': return `sudo dnf install ${pkg}`;
    case 'suse': return `sudo zypper install ${pkg}`;
    case 'arch': return `sudo pacman -S ${pkg}`;
    default: return `install the ${pkg} package`;
  }
}

/** Whether the host writes dumps: kdump tooling installed, a crash kernel loaded or memory reserved for one. */
export function writesDumps(f: HostFacts): boolean {
  return f.kdumpTool !== '' || f.kexecCrashLoaded === '1' || f.crashkernel !== '';
}

/** makedumpfile present (converts flattened dumps; writes dumps on a kdump host). */
export function makedumpfileCheck(f: HostFacts): Check {
  if (!f.makedumpfilePath) {
    return {
      id: 'makedumpfile',
      title: 'makedumpfile',
      status: writesDumps(f) ? 'fail' : 'warn',
      detail: writesDumps(f) ? 'not found, but this host is set up to write dumps' : 'not found (needed to convert a flattened dump with makedumpfile -R, and to write dumps)',
      fix: packageCommand(f, 'makedumpfile'),
    };
  }
  const handles = makedumpfileHandles(f.makedumpfileVersion, f.kernel);
  const range = f.makedumpfileVersion ? supportRange(f.makedumpfileVersion) : '';
  return { id: 'makedumpfile', title: 'makedumpfile', status: 'ok', detail: `${f.makedumpfilePath}: ${f.makedumpfileVersion || 'version unknown'}${range}${handles === false && !writesDumps(f) ? ` (older than this host's kernel ${f.kernel}; it matters only where dumps are written)` : ''}` };
}

function supportRange(version: string): string {
  const s = [...makedumpfileSupport].reverse().find((x) => compareCrashVersions(version, x.version) >= 0);
  if (!s) return '';
  const top = s.measured ?? s.latest;
  return ` (handles kernels up to ${top[0]}.${top[1]})`;
}

/** On a host that writes dumps: kdump armed, and its makedumpfile handles the running kernel. */
export function kdumpChecks(f: HostFacts): Check[] {
  if (!writesDumps(f)) {
    return [{ id: 'kdump', title: 'kdump armed', status: 'skip', detail: 'this host does not write dumps (no kdump-tools / kexec-tools, no crashkernel= reservation)' }];
  }
  const out: Check[] = [];
  const fam = family(f);
  if (f.kexecCrashLoaded === '1') {
    out.push({ id: 'kdump', title: 'kdump armed', status: 'ok', detail: `a crash kernel is loaded (/sys/kernel/kexec_crash_loaded = 1${f.crashkernel ? `, crashkernel=${f.crashkernel}` : ''})` });
  } else {
    const noReserve = !f.crashkernel;
    const load = fam === 'fedora' ? 'sudo systemctl enable --now kdump' : fam === 'debian' ? 'sudo kdump-config load (and enable it: sudo systemctl enable kdump-tools)' : 'load the crash kernel with your kdump service';
    const install = f.kdumpTool ? '' : `${packageCommand(f, fam === 'debian' ? 'kdump-tools' : 'kexec-tools')}, then `;
    out.push({
      id: 'kdump',
      title: 'kdump armed',
      status: 'fail',
      detail: `no crash kernel is loaded (/sys/kernel/kexec_crash_loaded = ${f.kexecCrashLoaded || 'missing'})${noReserve ? ' and no memory is reserved for one (no crashkernel= on the kernel command line)' : ''}: a panic now leaves no dump`,
      fix: noReserve
        ? `${install}reserve memory for the crash kernel (add crashkernel=256M to the kernel command line, e.g. GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and reboot; then ${load}.`
        : `${install}${load}.`,
    });
  }
  if (f.makedumpfilePath) {
    const handles = makedumpfileHandles(f.makedumpfileVersion, f.kernel);
    const min = minimumMakedumpfileFor(f.kernel);
    if (handles === false) {
      out.push({
        id: 'kdump-makedumpfile',
        title: `makedumpfile new enough for the running kernel ${f.kernel}`,
        status: 'fail',
        detail: `makedumpfile ${f.makedumpfileVersion}${supportRange(f.makedumpfileVersion)} is older than the kernel: its dumps can miss pages crash needs (bookworm's 1.7.2 under 6.12 wrote a dump where crash finds 38 of 76 tasks)`,
        fix: `Install makedumpfile ${min ?? 'newer than the kernel'} or newer — on Debian/Ubuntu the makedumpfile (and kdump-tools) of the same release as the running kernel, e.g. trixie's 1.7.6 for its 6.12 kernel; RHEL/Fedora: sudo dnf update makedumpfile kexec-tools.`,
      });
    } else if (handles === true) {
      out.push({ id: 'kdump-makedumpfile', title: `makedumpfile new enough for the running kernel ${f.kernel}`, status: 'ok', detail: `makedumpfile ${f.makedumpfileVersion}${supportRange(f.makedumpfileVersion)}` });
    } else {
      out.push({ id: 'kdump-makedumpfile', title: `makedumpfile new enough for the running kernel ${f.kernel}`, status: 'warn', detail: `cannot tell: makedumpfile ${f.makedumpfileVersion || '(version unknown)'} with kernel ${f.kernel || '(unknown)'}`, fix: 'Check `makedumpfile -v` against the kernel: a makedumpfile older than the kernel can write incomplete dumps.' });
    }
  }
  return out;
}
