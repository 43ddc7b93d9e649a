/**
 * Which debuginfod servers to ask: `$DEBUGINFOD_URLS` (the elfutils convention gdb and drgn
 * follow: URLs separated by whitespace), then the `debuginfodUrls` list in settings.json.
 */
import type { Settings } from '../settings.ts';

/** The servers to try in order, and the words that were not http(s) URLs (said, not dropped silently). */
export interface DebuginfodUrls {
  urls: string[];
  ignored: string[];
}

/** Parse the environment and settings into the server list; each URL without its trailing slashes. */
export function debuginfodUrls(env: NodeJS.ProcessEnv, settings: Settings = {}): DebuginfodUrls {
  const words = [...(env.DEBUGINFOD_URLS ?? '').split(/\s+/), ...(settings.debuginfodUrls ?? []).flatMap((u) => u.split(/\s+/))].filter(Boolean);
  const urls: string[] = [];
  const ignored: string[] = [];
  for (const w of words) {
    let ok = false;
    try {
      const u = new URL(w);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      ok = false;
    }
    // elfutils ≥ 0.190 allows `ima:enforcing`-style policy words between URLs; we do not verify IMA.
    if (!ok) {
      ignored.push(w);
      continue;
    }
    const url = w.replace(/\/+$/, '');
    if (!urls.includes(url)) urls.push(url);
  }
  return { urls, ignored };
}

/** The debuginfo URL of a build-id on one server (elfutils' layout: SERVER/buildid/ID/debuginfo). */
export function debuginfoUrl(server: string, buildId: string): string {
  return `${server}/buildid/${buildId}/debuginfo`;
}

/** What to tell a user whose environment names no server. */
export function noUrlsHint(release: string | null, hasBuildId: boolean): string {
  const set = 'Set DEBUGINFOD_URLS (e.g. export DEBUGINFOD_URLS="https://debuginfod.debian.net" — Ubuntu: https://debuginfod.ubuntu.com, Fedora: https://debuginfod.fedoraproject.org) or add "debuginfodUrls" to ~/.config/crashdeck/settings.json';
  const pkg = `install the debug vmlinux package for ${release ?? 'the dump\'s kernel'} (Debian/Ubuntu: linux-image-${release ?? 'REL'}-dbg or -dbgsym; RHEL/Fedora: kernel-debuginfo-${release ?? 'REL'}) and give its path with --vmlinux`;
  return hasBuildId ? `${set}, or ${pkg}.` : `The dump's VMCOREINFO names no BUILD-ID (older kernels do not record it), so debuginfod cannot be asked: ${pkg}.`;
}
