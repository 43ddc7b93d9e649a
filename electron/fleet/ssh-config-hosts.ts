/**
 * The hosts a user already reaches by name: every `Host` alias in ~/.ssh/config (Include
 * followed) that is not a pattern, with what the config resolves for it, for the Dumps view's
 * host picker.
 */
import os from 'node:os';
import path from 'node:path';
import { loadSshConfig } from '../transport/ssh/config.ts';

/** One alias and where it leads (null where the config does not say). */
export interface SshConfigHost {
  alias: string;
  hostname: string | null;
  user: string | null;
  port: number | null;
}

/** Aliases in the ssh config file (default ~/.ssh/config), in file order, without duplicates. */
export async function sshConfigHosts(options: { home?: string; configFile?: string } = {}): Promise<SshConfigHost[]> {
  const home = options.home ?? os.homedir();
  const config = await loadSshConfig(options.configFile ?? path.join(home, '.ssh', 'config'), home);
  const out: SshConfigHost[] = [];
  const seen = new Set<string>();
  for (const section of config) {
    if (!('param' in section) || section.param.toLowerCase() !== 'host') continue;
    const raw = section.value as unknown;
    const names = Array.isArray(raw) ? raw.map((x) => String((x as { val: unknown }).val)) : String(raw).split(/\s+/);
    for (const alias of names) {
      if (!alias || /[*?!]/.test(alias) || seen.has(alias)) continue;
      seen.add(alias);
      const c = config.compute(alias) as Record<string, unknown>;
      const one = (k: string): string | null => {
        const v = c[k];
        return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
      };
      const port = one('Port');
      out.push({ alias, hostname: one('HostName'), user: one('User'), port: port !== null && /^\d+$/.test(port) ? Number(port) : null });
    }
  }
  return out;
}
