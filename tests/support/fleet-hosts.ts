/**
 * Several real sshd hosts on loopback, each with its own /var/crash-like directory of fixture
 * dumps in kdump-tools layout (`STAMP/dump.STAMP`, hard links of the fixture vmcores, copies when
 * the temp dir is on another file system), and one client home that trusts and reaches all of
 * them by alias (`h1`, `h2`, ...). For fleet triage tests and the fleet bench.
 */
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vmcorePath, type Scenario } from './fixtures.ts';
import { keygen, startSshd, type Sshd } from './sshd.ts';

/** One host of the fleet. */
export interface FleetHost {
  sshd: Sshd;
  /** ssh config alias in the client home. */
  alias: string;
  /** Its crash directory. */
  dir: string;
  /** Dumps placed there: path → scenario. */
  dumps: Map<string, Scenario>;
}

/** The fleet and its client side. */
export interface FleetHosts {
  hosts: FleetHost[];
  /** Client HOME: .ssh/id_ed25519 authorized on every host, known_hosts, config with the aliases. */
  home: string;
  /** Temp root holding the crash directories. */
  root: string;
  /** Append lines to the client's ssh config. */
  addConfig(text: string): void;
  /** Append lines to the client's known_hosts. */
  addKnownHosts(text: string): void;
  stop(): Promise<void>;
}

let stampSeq = 0;

/** Put a dump of `scenario` into `dir` as kdump-tools does (`STAMP/dump.STAMP`); returns its path. */
export function placeDump(dir: string, scenario: Scenario): string {
  const stamp = `2026${String(++stampSeq).padStart(8, '0')}`;
  mkdirSync(path.join(dir, stamp), { recursive: true });
  const dest = path.join(dir, stamp, `dump.${stamp}`);
  try {
    linkSync(vmcorePath(scenario), dest);
  } catch {
    copyFileSync(vmcorePath(scenario), dest);
  }
  return dest;
}

/**
 * Start `perHost.length` sshd hosts; host i gets `perHost[i].dumps` (scenario, copies) and
 * `perHost[i].sshd` options (extra config, no sftp...).
 */
export async function startFleetHosts(perHost: readonly { dumps: readonly (readonly [Scenario, number])[]; sshd?: Parameters<typeof startSshd>[0] }[]): Promise<FleetHosts> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-'));
  const home = path.join(root, 'client');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const key = path.join(home, '.ssh', 'id_ed25519');
  keygen(key);
  const hosts: FleetHost[] = [];
  try {
    for (const [i, spec] of perHost.entries()) {
      // Sessions get a clean HOME (startSshd's default): no fleet server pays for rc files.
      const sshd = await startSshd({ name: `fleet${i + 1}`, ...spec.sshd });
      sshd.authorize(`${key}.pub`);
      const dir = path.join(root, `host${i + 1}`, 'crash');
      mkdirSync(dir, { recursive: true });
      const dumps = new Map<string, Scenario>();
      for (const [scenario, copies] of spec.dumps) for (let c = 0; c < copies; c++) dumps.set(placeDump(dir, scenario), scenario);
      hosts.push({ sshd, alias: `h${i + 1}`, dir, dumps });
    }
  } catch (err) {
    await Promise.allSettled(hosts.map((h) => h.sshd.stop()));
    throw err;
  }
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), hosts.map((h) => `[127.0.0.1]:${h.sshd.port} ${h.sshd.hostKey}\n`).join(''));
  writeFileSync(path.join(home, '.ssh', 'config'), hosts.map((h) => `Host ${h.alias}\n  HostName 127.0.0.1\n  Port ${h.sshd.port}\n  User root\n`).join(''));
  return {
    hosts,
    home,
    root,
    addConfig: (text) => writeFileSync(path.join(home, '.ssh', 'config'), readFileSync(path.join(home, '.ssh', 'config'), 'utf8') + text),
    addKnownHosts: (text) => writeFileSync(path.join(home, '.ssh', 'known_hosts'), readFileSync(path.join(home, '.ssh', 'known_hosts'), 'utf8') + text),
    stop: async () => {
      await Promise.allSettled(hosts.map((h) => h.sshd.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
