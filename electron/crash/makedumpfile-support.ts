/**
 * Which kernels each makedumpfile release writes complete dumps for. An older makedumpfile under
 * a newer kernel prints "The kernel version is not supported" and may leave out pages crash
 * needs (the oops-syscall-6.12-mdf172 fixture: bookworm's 1.7.2 under 6.12, `ps` 38 of 76 tasks).
 *
 * `latest` is each release's LATEST_VERSION (makedumpfile.h at its "[v1.7.N] Update version"
 * commit in makedumpfile/makedumpfile); `measured` extends it where this project's fixtures show
 * complete dumps beyond it (1.7.2 wrote the Debian 6.1 fixtures, trixie's 1.7.6 the 6.12 ones).
 */
import { compareCrashVersions, kernelVersion } from './crash-requirements.ts';

/** One makedumpfile release and the newest kernel (major.minor) it is known to handle. */
export interface MakedumpfileSupport {
  version: string;
  latest: readonly [number, number];
  measured?: readonly [number, number];
}

/** Oldest first. */
export const makedumpfileSupport: readonly MakedumpfileSupport[] = [
  { version: '1.7.2', latest: [6, 0], measured: [6, 1] },
  { version: '1.7.3', latest: [6, 3] },
  { version: '1.7.4', latest: [6, 6] },
  { version: '1.7.5', latest: [6, 8] },
  { version: '1.7.6', latest: [6, 11], measured: [6, 12] },
  { version: '1.7.7', latest: [6, 14] },
  { version: '1.7.8', latest: [6, 17] },
  { version: '1.7.9', latest: [7, 0] },
];

const le = (a: readonly [number, number], b: readonly [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
const reach = (s: MakedumpfileSupport): readonly [number, number] => (s.measured && !le(s.measured, s.latest) ? s.measured : s.latest);

/**
 * Whether makedumpfile `version` handles kernel `release`: true / false, null when unknown
 * (a release or version crashdeck cannot read). Versions newer than the table count as handling
 * up to the table's last kernel.
 */
export function makedumpfileHandles(version: string | null, release: string | null): boolean | null {
  const k = kernelVersion(release);
  if (!k || !version || !/^\d/.test(version)) return null;
  let best: MakedumpfileSupport | null = null;
  for (const s of makedumpfileSupport) if (compareCrashVersions(version, s.version) >= 0) best = s;
  if (!best) return false;
  return le([k.major, k.minor], reach(best));
}

/** The oldest makedumpfile release that handles `release`, or null when none in the table does. */
export function minimumMakedumpfileFor(release: string | null): string | null {
  const k = kernelVersion(release);
  if (!k) return null;
  return makedumpfileSupport.find((s) => le([k.major, k.minor], reach(s)))?.version ?? null;
}
