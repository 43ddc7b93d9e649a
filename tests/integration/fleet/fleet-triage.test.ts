/**
 * `crashdeck triage --all` over a fleet: three real sshd hosts on loopback (one without SFTP and
 * with MaxSessions 3) holding hard links of the fixture dumps in kdump-tools layout, plus a local
 * directory, a host whose key changed and a host that is down. Buckets are checked against the
 * fixtures' meta.json truth, not against what the code prints.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, closeSync, writeSync, chmodSync, chownSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashdeckBin, runCrashdeck, type CliResult } from '../../support/cli.ts';
import { fixtureMeta, vmcorePath, type Scenario } from '../../support/fixtures.ts';
import { freePort } from '../../support/sshd.ts';
import { placeDump, startFleetHosts, type FleetHosts } from '../../support/fleet-hosts.ts';
import type { FleetDumpLine, FleetLine, FleetProblemLine } from '../../../electron/api/fleet-lines.ts';

let fleet: FleetHosts;
let localDir: string;
let cache: string;
let first: CliResult;
let firstLines: FleetLine[];
const localDumps = new Map<string, Scenario>();
const canaryName = `crashdeck-fleet-pwned-${process.pid}`;
/** Where a command injected through the name would create its file: the remote login's home, our cwd. */
const canaries = [path.join(os.homedir(), canaryName), path.join(process.cwd(), canaryName)];
let hostilePath = '';
let downPort = 0;

/** What the fixtures' ground truth says the bug is: equal keys = same bug = same bucket. */
function truthKey(s: Scenario): string {
  const t = fixtureMeta(s).truth as Record<string, unknown> & { culprit?: Record<string, unknown> };
  if (t.panic_type === 'oom') return `oom|${String(t.culprit_kind)}|${String(t.culprit?.cache ?? t.culprit?.comm)}`;
  return `${String(t.panic_type)}|${String(t.module ?? '')}|${String(t.function ?? t.culprit?.function)}`;
}

const parse = (out: string): FleetLine[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FleetLine);
const dumpLines = (ls: FleetLine[]): FleetDumpLine[] => ls.filter((l): l is FleetDumpLine => l.schema === 'crashdeck.triage/1');
const problems = (ls: FleetLine[]): FleetProblemLine[] => ls.filter((l): l is FleetProblemLine => l.schema === 'crashdeck.fleet-problem/1');

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCrashdeck(args, { HOME: fleet.home, SSH_AUTH_SOCK: '', XDG_CACHE_HOME: cache, ...env }, { timeoutMs: 170_000 });
}

/** Every target of the main run. */
function targets(): string[] {
  const [h1, h2, h3] = fleet.hosts as [FleetHosts['hosts'][0], FleetHosts['hosts'][0], FleetHosts['hosts'][0]];
  return [localDir, `${h1.alias}:${h1.dir}`, `ssh://root@127.0.0.1:${h2.sshd.port}${h2.dir}`, `${h3.alias}:${h3.dir}`, `h3-rekeyed:${h3.dir}`, `ssh://root@127.0.0.1:${downPort}/var/crash`];
}

beforeAll(async () => {
  fleet = await startFleetHosts([
    { dumps: [['oom-slab-leak', 2], ['oom-user-hog', 2], ['panic-sysrq', 1], ['oops-syscall-6.12', 1], ['hung-mutex-6.12', 1], ['softlockup-spin-6.12', 1], ['oops-syscall-6.12-mdf172', 1]] },
    { dumps: [['oom-slab-leak', 3], ['panic-sysrq', 2], ['hung-mutex-6.12', 2]], sshd: { sftp: false, maxSessions: 3 } },
    { dumps: [['oom-user-hog', 2], ['softlockup-spin-6.12', 2], ['oops-syscall-6.12', 1]] },
  ]);
  const h3 = fleet.hosts[2]!;
  // The same machine as h3 under a name whose recorded key is another host's: a changed key.
  // (Both spellings of the alias's known_hosts name carry the wrong key.)
  fleet.addConfig(`Host h3-rekeyed\n  HostName 127.0.0.1\n  Port ${h3.sshd.port}\n  User root\n  HostKeyAlias h3-rekeyed\n`);
  fleet.addKnownHosts(`h3-rekeyed ${fleet.hosts[0]!.sshd.hostKey}\n[h3-rekeyed]:${h3.sshd.port} ${fleet.hosts[0]!.sshd.hostKey}\n`);
  // A hostile loose file name on the no-SFTP host: quotes, $(...), a newline.
  hostilePath = path.join(fleet.hosts[1]!.dir, `vmcore.$(touch ${canaryName});'"\nx`);
  copyFileSync(vmcorePath('panic-sysrq'), hostilePath);
  fleet.hosts[1]!.dumps.set(hostilePath, 'panic-sysrq');
  downPort = await freePort();

  localDir = path.join(fleet.root, 'local-crash');
  mkdirSync(localDir);
  localDumps.set(placeDump(localDir, 'oom-slab-leak'), 'oom-slab-leak');
  localDumps.set(placeDump(localDir, 'oops-syscall-6.12'), 'oops-syscall-6.12');
  // A zero-byte dump (capture failed) and one cut short while copying.
  mkdirSync(path.join(localDir, '202699999901'));
  writeFileSync(path.join(localDir, '202699999901', 'dump.202699999901'), '');
  mkdirSync(path.join(localDir, '202699999902'));
  const whole = readFileSync(vmcorePath('panic-sysrq'));
  writeFileSync(path.join(localDir, '202699999902', 'dump.202699999902'), whole.subarray(0, 64 * 1024));

  cache = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-cache-'));
  first = await cli(['triage', '--all', ...targets(), '--jsonl', '--jobs', '6']);
  firstLines = parse(first.stdout);
});

afterAll(async () => {
  await fleet?.stop();
  if (cache) rmSync(cache, { recursive: true, force: true });
  for (const c of canaries) rmSync(c, { force: true });
});

describe('crashdeck triage --all over three sshd hosts and a local directory', () => {
  it('gives every dump on every reachable host one verdict line, bucketed as the fixtures\' truth says', () => {
    expect(first.code, first.stderr).toBe(0);
    const lines = dumpLines(firstLines);
    const expected = new Map<string, Scenario>();
    for (const h of fleet.hosts) for (const [p, s] of h.dumps) expected.set(`${h.sshd.port}\0${p}`, s);
    for (const [p, s] of localDumps) expected.set(`local\0${p}`, s);
    const seen = new Map<string, FleetDumpLine>();
    for (const l of lines) {
      expect(l.basis).toBe('log');
      const port = l.source.host === 'local' ? 'local' : /:(\d+)$/.exec(l.source.host)?.[1];
      seen.set(`${port}\0${l.source.path}`, l);
    }
    // The problem lines say why a dump has no verdict line.
    expect([...seen.keys()].sort(), JSON.stringify(problems(firstLines))).toEqual([...expected.keys()].sort());
    // Same scenario → one signature; signatures equal exactly when the truth says same bug.
    const sigOf = new Map<Scenario, string>();
    for (const [k, s] of expected) {
      const sig = seen.get(k)!.panic.signature;
      if (sigOf.has(s)) expect(sig, s).toBe(sigOf.get(s));
      else sigOf.set(s, sig);
    }
    const scen = [...sigOf.keys()];
    for (const a of scen) for (const b of scen) {
      if (a < b) expect(sigOf.get(a) === sigOf.get(b), `${a} vs ${b}: ${sigOf.get(a)} / ${sigOf.get(b)}`).toBe(truthKey(a) === truthKey(b));
    }
    // The kernels and crash times come from each dump itself.
    for (const [k, s] of expected) {
      expect(seen.get(k)!.dump.release).toBe(fixtureMeta(s).kernel.release);
      expect(seen.get(k)!.fleet.crashTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // The bucket table (stderr with --jsonl) names every signature with its count.
    for (const [s, sig] of sigOf) {
      const n = [...expected.values()].filter((x) => sigOf.get(x) === sig).length;
      expect(first.stderr, s).toMatch(new RegExp(`^${sig.replace(/[.*+?^${}()|[\]\\!]/g, '\\$&')}\\s+${n}\\s`, 'm'));
    }
  });

  it('reports the host with a changed key and the host that is down in their own lines; the rest went on', () => {
    const p = problems(firstLines);
    const rekeyed = p.find((l) => l.scope === 'host' && l.error.code === 'host-key-changed');
    expect(rekeyed, JSON.stringify(p)).toBeDefined();
    const down = p.find((l) => l.scope === 'host' && l.source.host.includes(String(downPort)));
    expect(down?.error.message).toMatch(/refused|ECONNREFUSED|connect/i);
    // h3 itself (right key) answered.
    expect(dumpLines(firstLines).some((l) => l.source.host.endsWith(`:${fleet.hosts[2]!.sshd.port}`))).toBe(true);
  });

  it('triages the hostile file name on the host without SFTP, and runs nothing it contains', () => {
    const l = dumpLines(firstLines).find((x) => x.source.path === hostilePath);
    expect(l?.panic.kind).toBe('sysrq');
    for (const c of canaries) expect(existsSync(c)).toBe(false);
  });

  it('names the zero-byte dump and the truncated dump instead of a verdict', () => {
    const p = problems(firstLines);
    const empty = p.find((l) => l.source.path.endsWith('dump.202699999901'));
    expect(empty?.error.message).toMatch(/empty \(0 bytes\)/);
    const cut = [...p, ...dumpLines(firstLines)].find((l) => l.source.path.endsWith('dump.202699999902'));
    expect(cut).toBeDefined();
    const said = cut!.schema === 'crashdeck.fleet-problem/1' ? cut!.error.message : (cut as FleetDumpLine).fleet.notes.join(' ');
    expect(said).toMatch(/truncat|not a kernel dump|log/i);
  });

  it('a second run over the same targets triages nothing new, and buckets merges both runs counting each dump once', async () => {
    const second = await cli(['triage', '--all', ...targets(), '--jsonl']);
    expect(second.code, second.stderr).toBe(0);
    const lines = dumpLines(parse(second.stdout));
    expect(lines.length, JSON.stringify(problems(parse(second.stdout)))).toBe(dumpLines(firstLines).length);
    expect(lines.every((l) => l.fleet.fromIndex)).toBe(true);
    expect(second.stderr).toMatch(/0 triaged now/);
    const a = path.join(cache, 'run1.jsonl');
    const b = path.join(cache, 'run2.jsonl');
    writeFileSync(a, first.stdout);
    writeFileSync(b, second.stdout);
    const merged = await cli(['buckets', a, b, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const table = JSON.parse(merged.stdout) as { dumps: number; buckets: { signature: string; count: number; hosts: string[] }[] };
    expect(table.dumps).toBe(lines.length);
    expect(table.buckets.reduce((n, x) => n + x.count, 0)).toBe(lines.length);
    // sysrq dumps live on h1, h2 (two + the hostile one) and nowhere else.
    const sysrq = table.buckets.find((x) => x.signature.startsWith('sysrq:'));
    expect(sysrq?.count).toBe(4);
    expect(sysrq?.hosts.length).toBe(2);
  });
});

describe('crashdeck triage --all stopped with Ctrl-C', () => {
  it('stops cleanly: what is done is printed as whole lines with its buckets, exit 130', async () => {
    const h1 = fleet.hosts[0]!;
    const child = spawn(process.execPath, [crashdeckBin, 'triage', '--all', `${h1.alias}:${h1.dir}`, '--jsonl', '--no-index', '--jobs', '1', '--per-host', '1'], {
      env: { ...process.env, HOME: fleet.home, SSH_AUTH_SOCK: '', XDG_CACHE_HOME: cache },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const before = stdout;
        stdout += d.toString();
        // The user presses Ctrl-C once the first verdict is on screen.
        if (!before.includes('\n') && stdout.includes('\n')) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    const lines = parse(stdout);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(h1.dumps.size);
    expect(stderr).toMatch(/interrupted; \d+ dump\(s\) not reached/);
    expect(stderr).toMatch(/dump\(s\) in \d+ bucket/);
  });
});

describe('crashdeck triage --all on bad local input', () => {
  it('skips a dump that is still being written, saying so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-busy-'));
    try {
      mkdirSync(path.join(dir, '202611111111'));
      const file = path.join(dir, '202611111111', 'dump.202611111111');
      const src = readFileSync(vmcorePath('panic-sysrq'));
      const fd = openSync(file, 'w');
      let off = 0;
      writeSync(fd, src, 0, 1 << 20, 0);
      off = 1 << 20;
      // makedumpfile still writing: the file grows every 100 ms for the whole run.
      const timer = setInterval(() => {
        if (off < src.length) {
          writeSync(fd, src, off, Math.min(64 * 1024, src.length - off), off);
          off += 64 * 1024;
        }
      }, 100);
      let r: CliResult;
      try {
        r = await cli(['triage', '--all', dir, '--jsonl', '--no-index']);
      } finally {
        clearInterval(timer);
        closeSync(fd);
      }
      const p = problems(parse(r.stdout));
      expect(p.length).toBe(1);
      expect(p[0]!.error.code).toBe('still-being-written');
      expect(p[0]!.error.message).toMatch(/still being written/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run as another user, reports the dump directory it may not read and triages the rest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-perm-'));
    try {
      chmodSync(dir, 0o755);
      const open = placeDump(dir, 'panic-sysrq');
      const closed = placeDump(dir, 'oom-slab-leak');
      chmodSync(path.dirname(closed), 0o700);
      // A dump file only root may read, in a directory anyone may list.
      const rootOnly = placeDump(dir, 'hung-mutex-6.12');
      copyFileSync(rootOnly, `${rootOnly}.tmp`);
      rmSync(rootOnly);
      renameSync(`${rootOnly}.tmp`, rootOnly);
      chmodSync(rootOnly, 0o600);
      const home = path.join(dir, 'nobody-home');
      mkdirSync(home);
      chownSync(home, 65534, 65534);
      const r = await new Promise<CliResult>((resolve) => {
        const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, crashdeckBin, 'triage', '--all', dir, '--jsonl'], {
          env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code, r.stderr).toBe(0);
      const lines = parse(r.stdout);
      expect(dumpLines(lines).map((l) => l.source.path)).toEqual([open]);
      const denied = problems(lines).find((l) => l.source.path === path.dirname(closed));
      expect(denied?.error.message).toMatch(/Permission denied/);
      const unreadable = problems(lines).find((l) => l.source.path === rootOnly);
      expect(unreadable?.error.code).toBe('dump-unreadable');
      expect(unreadable?.error.message).toMatch(/permission denied reading/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
