/**
 * `crashdeck doctor`'s checks: on the host holding the dumps (this machine or an SSH host) —
 * SSH reachable / host key / file access / sudo -n, crash found and new enough for each dump's
 * kernel, the debug vmlinux, makedumpfile, kdump armed with a makedumpfile that handles the
 * running kernel, the gdb-indexed vmlinux copies, drgn found / what it reads of each dump kernel / that it loads a named dump —
 * and on this machine the tools crashdeck itself runs: trace-cmd, perf,
 * Chromium (PDF), the debuginfod servers. Every failing check carries its fix.
 */
import { ApiError } from '../api/contract.ts';
import { probeCrashVersion, probeOsRelease } from '../crash/crash-binary.ts';
import { crashNewEnough, crashRequirementFor, installableCrashFor } from '../crash/crash-requirements.ts';
import { installCrashCommand } from '../crash/diagnosis.ts';
import { findVmlinux, listDumps } from '../crash/discovery.ts';
import { readDumpFacts } from '../crash/dump-format.ts';
import { findChromium } from '../report/pdf.ts';
import type { Settings } from '../settings.ts';
import { SpawnError } from '../transport/local.ts';
import type { Transport } from '../transport/types.ts';
import { gatherHostFacts, type HostFacts } from './host-facts.ts';
import { kdumpChecks, makedumpfileCheck, packageCommand } from './host-checks.ts';
import { doctorReport, type DoctorCheck, type DoctorReport } from './types.ts';
import { drgnChecks, type DrgnDumpTarget } from './drgn-checks.ts';
import { gdbIndexCheck } from './gdb-index-check.ts';

/** What to check and with what. */
export interface DoctorOptions {
  /** The host holding the dumps: this machine's LocalTransport or an SshTransport. */
  transport: Transport;
  /** This machine, for the tools crashdeck runs itself (trace-cmd, perf, Chromium, debuginfod). */
  local: Transport;
  /** The crash session.open would run (explicit, CRASHDECK_CRASH, settings, `crash`). */
  crashPath: string;
  /** The python3 named for drgn (CRASHDECK_DRGN_PYTHON, settings); default: python3, then /usr/bin/python3. */
  drgnPython?: string | null;
  /** One dump to check crash and the vmlinux against; default: the dumps in crashDir. */
  dump?: string;
  /** The debug vmlinux for `dump` (checked against its release); default: searched. */
  vmlinux?: string;
  crashDir?: string;
  debuginfoDirs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  settings?: Settings;
  /** Per-URL timeout of the debuginfod check (default 5 s). */
  httpTimeoutMs?: number;
}

const maxDumps = 10;

/** Run every check; never throws for what it checks (failures become checks). */
export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const t = o.transport;
  const remote = t.kind === 'ssh';
  const checks: DoctorCheck[] = [];
  let reachable = true;
  if (remote) {
    const ssh = await sshChecks(t, o.crashDir ?? '/var/crash');
    checks.push(...ssh.checks);
    reachable = ssh.usable;
  }
  if (reachable) checks.push(...(await hostChecks(o)));
  checks.push(...(await localToolChecks(o)));
  return doctorReport(remote ? t.label : 'local', checks);
}

function whereOf(t: Transport): string {
  return t.kind === 'ssh' ? t.label : 'this machine';
}

/** SSH: reachable, host key known, how files are read (SFTP or the exec fallback). */
async function sshChecks(t: Transport, crashDir: string): Promise<{ checks: DoctorCheck[]; usable: boolean }> {
  const out: DoctorCheck[] = [];
  const where = t.label;
  const check = (id: string, title: string, status: DoctorCheck['status'], detail: string, fix?: string): void => {
    out.push({ id, where: t.label, title, status, detail, ...(fix ? { fix } : {}) });
  };
  try {
    const r = await t.exec({ command: 'true', args: [] }, { timeoutMs: 30_000 });
    if (r.code !== 0) throw new ApiError('internal', `\`true\` exited with ${r.code ?? r.signal} on ${t.label}: ${r.stderr.trim()}`);
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError('connection-lost', err instanceof Error ? err.message : String(err));
    if (e.code === 'host-key-unknown' || e.code === 'host-key-changed') {
      check('ssh-reach', 'SSH host reachable', 'ok', `${where} answered`);
      const fix = e.code === 'host-key-unknown'
        ? `Compare the key's fingerprint with the host's (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub there), then accept it: \`ssh ${t.label.replace(/:\d+$/, '')}\` once and answer yes, or open the dump in the app and accept it there.`
        : `Find out why the key changed before going on; if the host was reinstalled, remove the old key: \`ssh-keygen -R ${t.label.replace(/^.*@/, '').replace(/:22$/, '').replace(/^(.*):(\d+)$/, '[$1]:$2')}\`.`;
      check('ssh-host-key', 'SSH host key known', 'fail', e.message, fix);
    } else if (e.code === 'auth-failed') {
      check('ssh-reach', 'SSH host reachable', 'ok', `${where} answered`);
      check('ssh-host-key', 'SSH host key known', 'ok', 'the host key matched known_hosts');
      check('ssh-auth', 'SSH login', 'fail', e.message, e.hint ?? 'Load your key into ssh-agent (ssh-add) or name it with IdentityFile in ~/.ssh/config.');
    } else {
      check('ssh-reach', 'SSH host reachable', 'fail', e.message, e.hint ?? `Check the host name and port, that sshd runs there and that a firewall lets you in: \`ssh -v ${t.label.replace(/:\d+$/, '')} true\`.`);
    }
    return { checks: out, usable: false };
  }
  check('ssh-reach', 'SSH host reachable', 'ok', `logged in to ${t.label}`);
  check('ssh-host-key', 'SSH host key known', 'ok', 'the host key matched known_hosts');
  try {
    const st = await t.stat(crashDir);
    // Asked after a file operation: the transport decides on its first one.
    const via = fileAccessOf(t);
    const seen = st ? `${crashDir} ${st.isDirectory ? 'listed' : 'stat'}` : `stat of ${crashDir} answered (no such directory)`;
    check('ssh-files', 'remote file access', 'ok', via ? `files read over ${via}; ${seen}` : `files read over SSH (SFTP, or commands when the server refuses SFTP); ${seen}`);
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
    check('ssh-files', 'remote file access', 'fail', e.message, e.hint ?? 'Enable the sftp subsystem in sshd_config (Subsystem sftp internal-sftp) or make sure POSIX stat/dd/ls exist there.');
  }
  return { checks: out, usable: true };
}

/**
 * The transport's chosen way of reading files, when it says ('sftp', 'exec', 'sudo'...): an
 * SshTransport may expose `fileAccess` (a string or a function returning one).
 */
function fileAccessOf(t: Transport): string | null {
  const v = (t as unknown as { fileAccess?: unknown }).fileAccess;
  const value = typeof v === 'function' ? (v as () => unknown).call(t) : v;
  const names: Record<string, string> = { sftp: 'SFTP', exec: 'exec channels with POSIX tools (the server refused SFTP)', sudo: 'commands through sudo -n' };
  return typeof value === 'string' && value && value !== 'unknown' ? (names[value] ?? value) : null;
}

interface DumpKernel {
  /** The dump file, or null for "the running kernel's future dumps". */
  vmcore: string | null;
  release: string | null;
}

async function hostChecks(o: DoctorOptions): Promise<DoctorCheck[]> {
  const t = o.transport;
  const where = whereOf(t);
  const host = t.kind === 'ssh' ? t.label : null;
  const out: DoctorCheck[] = [];
  const add = (c: Omit<DoctorCheck, 'where'>): void => void out.push({ where, ...c });

  let facts: HostFacts | null = null;
  try {
    facts = await gatherHostFacts(t, o.crashPath);
  } catch (err) {
    add({ id: 'host', title: 'host facts', status: 'warn', detail: `could not run sh there: ${err instanceof Error ? err.message : String(err)}` });
  }

  // crash
  let crashVersion: string | null = null;
  try {
    crashVersion = await probeCrashVersion(t, o.crashPath);
    const which = !o.crashPath.includes('/') && facts?.crashOnPath ? ` (${facts.crashOnPath})` : '';
    add({ id: 'crash', title: 'crash found', status: 'ok', detail: `${o.crashPath}${which}: crash ${crashVersion}` });
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError('crash-missing', String(err));
    add({ id: 'crash', title: 'crash found', status: 'fail', detail: e.message, fix: crashInstallFix(null, host, facts) });
  }

  // the dumps and their kernels
  const kernels: DumpKernel[] = [];
  if (o.dump) {
    const release = await dumpRelease(t, o.dump, o.crashPath, crashVersion !== null).catch((err: unknown) => {
      add({ id: 'dump', title: 'dump readable', status: 'fail', detail: err instanceof Error ? err.message : String(err), fix: err instanceof ApiError && err.hint ? err.hint : 'Check the path and that your user may read it.' });
      return undefined;
    });
    if (release !== undefined) {
      add({ id: 'dump', title: 'dump readable', status: 'ok', detail: `${o.dump}: kernel ${release ?? 'unknown (crash could not read the release)'}` });
      kernels.push({ vmcore: o.dump, release });
    }
  } else {
    const dir = o.crashDir ?? '/var/crash';
    const dumps = (await listDumps(t, dir).catch(() => [])).slice(0, maxDumps);
    if (!dumps.length) {
      add({ id: 'dumps', title: `dumps in ${dir}`, status: 'skip', detail: `no dumps in ${dir}; checking against the running kernel${facts?.kernel ? ` (${facts.kernel})` : ''} instead (give --dump VMCORE for another)` });
      if (facts?.kernel) kernels.push({ vmcore: null, release: facts.kernel });
    } else {
      for (const d of dumps) kernels.push({ vmcore: d.vmcore, release: await dumpRelease(t, d.vmcore, o.crashPath, crashVersion !== null).catch(() => null) });
      const rels = [...new Set(kernels.map((k) => k.release ?? 'unknown'))];
      add({ id: 'dumps', title: `dumps in ${dir}`, status: 'ok', detail: `${dumps.length} dump(s), kernel ${rels.join(', ')}` });
    }
  }

  // crash new enough, vmlinux: once per kernel release
  const seen = new Set<string>();
  const drgnTargets: DrgnDumpTarget[] = kernels.map((k) => ({ release: k.release }));
  for (const k of kernels) {
    const key = k.release ?? `?${k.vmcore}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const forWhat = k.vmcore ? `kernel ${k.release ?? 'unknown'}` : `the running kernel ${k.release ?? ''}`.trim();
    if (crashVersion !== null) {
      const enough = crashNewEnough(crashVersion, k.release);
      const req = crashRequirementFor(k.release);
      // Future dumps of the running kernel are a warning; a dump here that crash misreads fails.
      const bad = k.vmcore ? 'fail' : 'warn';
      if (enough === false) {
        add({ id: 'crash-version', title: `crash new enough for ${forWhat}`, status: bad, detail: `crash ${crashVersion} is older than ${req?.minimum ?? '?'}, which ${forWhat} needs (${req?.basis === 'measured' ? 'measured on the fixtures' : "from crash's history"}): it ${k.vmcore ? 'misreads or cannot open this dump' : 'may misread its dumps'}`, fix: crashInstallFix(k.release, host, facts) });
      } else if (enough === true) {
        add({ id: 'crash-version', title: `crash new enough for ${forWhat}`, status: 'ok', detail: `crash ${crashVersion} ≥ ${req?.minimum} (${req?.basis === 'measured' ? 'measured on the fixtures' : "from crash's history"})${req?.caveat ? `; note: ${req.caveat}` : ''}` });
      } else {
        add({ id: 'crash-version', title: `crash new enough for ${forWhat}`, status: 'skip', detail: k.release ? `crashdeck knows no requirement for ${k.release} (it judges 6.1 and later)` : 'the kernel release is unknown' });
      }
    }
    if (k.vmcore && k.release) {
      try {
        const p = await findVmlinux(t, k.release, { debuginfoDirs: o.debuginfoDirs ?? [], ...(o.vmlinux && k.vmcore === o.dump ? { given: o.vmlinux } : {}) });
        add({ id: 'vmlinux', title: `debug vmlinux for ${k.release}`, status: 'ok', detail: p });
        if (o.dump && k.vmcore === o.dump) drgnTargets.push({ release: k.release, load: { vmcore: k.vmcore, vmlinux: p } });
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError('vmlinux-not-found', String(err));
        add({ id: 'vmlinux', title: `debug vmlinux for ${k.release}`, status: 'fail', detail: e.message, fix: e.hint ?? `Install the debug vmlinux of ${k.release}.` });
      }
    }
  }

  out.push(await gdbIndexCheck(t, where, o.env ?? process.env, o.settings ?? {}));

  const debianLike = !facts || /\b(debian|ubuntu)\b/.test(`${facts.osId} ${facts.osLike}`);
  out.push(...(await drgnChecks(t, o.drgnPython ?? null, drgnTargets, debianLike)));

  if (facts) {
    out.push(...[makedumpfileCheck(facts), ...kdumpChecks(facts)].map((c) => ({ where, ...c })));
    if (host) {
      if (facts.sudo === 'yes') add({ id: 'sudo', title: 'sudo -n', status: 'ok', detail: 'passwordless sudo works (root-only dumps can be read)' });
      else add({ id: 'sudo', title: 'sudo -n', status: 'warn', detail: facts.sudo === 'no' ? 'sudo asks for a password: dumps only root may read stay closed' : 'sudo is not installed', fix: facts.sudo === 'no' ? `On ${host}: allow crash without a password (visudo: \`USER ALL=(root) NOPASSWD: ${o.crashPath === 'crash' ? '/usr/bin/crash' : o.crashPath}\`), or make the dumps readable by your group.` : `On ${host}: ${packageCommand(facts, 'sudo')}, or make the dumps readable by your user.` });
    }
  }
  return out;
}

/** The crash release a dump of `release` has in its header (or as crash reads it). */
async function dumpRelease(t: Transport, vmcore: string, crashPath: string, haveCrash: boolean): Promise<string | null> {
  const st = await t.stat(vmcore);
  if (!st) throw new ApiError('not-found', `no such file: ${vmcore}`, 'Check the path; kdump writes dumps under /var/crash.');
  if (st.isDirectory) throw new ApiError('not-a-dump', `${vmcore} is a directory`, 'Pick the vmcore (RHEL) or dump.<stamp> (kdump-tools) file inside it.');
  const facts = await readDumpFacts(t, vmcore).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EACCES' || err.code === 'EPERM') throw new ApiError('dump-unreadable', `cannot read ${vmcore}: permission denied`, 'Give your user read access to the dump, or use --host with sudo.');
    throw err;
  });
  if (facts.format === 'unknown') throw new ApiError('not-a-dump', `${vmcore} is not a crash dump`, 'Pick the vmcore / dump.<stamp> file kdump wrote, not the dmesg text beside it.');
  if (facts.release) return facts.release;
  return haveCrash ? (await probeOsRelease(t, crashPath, vmcore)).release : null;
}

/** The fix for a missing or too old crash on the host. */
function crashInstallFix(release: string | null, host: string | null, facts: HostFacts | null): string {
  const debianLike = !facts || /\b(debian|ubuntu)\b/.test(`${facts.osId} ${facts.osLike}`);
  if (!debianLike && facts) return `${host ? `On ${host}: ` : ''}${packageCommand(facts, 'crash')} (kernels 6.9+ need crash 8.0.6 or newer), then give its path with --crash if it is not on PATH.`;
  if (release) {
    const req = crashRequirementFor(release);
    return host
      ? `On ${host} run: ${installCrashCommand(release, host)} — it prints the crash path there; pass it with --crash.`
      : `Run: ${installCrashCommand(release)} (installs crash ${installableCrashFor(release)} privately and records it in crashdeck's settings)${req?.caveat ? `. Note: ${req.caveat}` : ''}.`;
  }
  return host
    ? `On ${host} run: ${installCrashCommand(null, host)} — it prints the crash path there; pass it with --crash.`
    : `Run: ${installCrashCommand(null)} (Debian/Ubuntu; records the crash in crashdeck's settings), or install your distribution's crash and set CRASHDECK_CRASH.`;
}

/** What a tool's --version says, or why it cannot run. */
async function toolVersion(t: Transport, bin: string, args: string[], re: RegExp): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  try {
    const r = await t.exec({ command: bin, args }, { timeoutMs: 30_000, maxBytes: 256 * 1024 });
    const m = re.exec(`${r.stdout}\n${r.stderr}`);
    // trace-cmd prints its version and exits 255; what it says counts, not the code.
    if (m) return { ok: true, version: m[1] as string };
    return { ok: false, why: `${bin} ${args.join(' ')} exited with ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') || 'no output'}` };
  } catch (err) {
    if (err instanceof SpawnError && (err.code === 'ENOENT' || err.code === 'EACCES')) return { ok: false, why: `${bin} not found` };
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
}

async function localToolChecks(o: DoctorOptions): Promise<DoctorCheck[]> {
  const env = o.env ?? process.env;
  const t = o.local;
  const where = 'this machine';
  const out: DoctorCheck[] = [];
  const traceCmd = env.CRASHDECK_TRACE_CMD || 'trace-cmd';
  const perf = env.CRASHDECK_PERF || 'perf';
  const [tc, pf] = await Promise.all([
    toolVersion(t, traceCmd, ['--version'], /trace-cmd version (\S+)/),
    toolVersion(t, perf, ['--version'], /perf version (\S+)/),
  ]);
  out.push(tc.ok
    ? { id: 'trace-cmd', where, title: 'trace-cmd (trace.dat import)', status: 'ok', detail: `${traceCmd}: trace-cmd ${tc.version}` }
    : { id: 'trace-cmd', where, title: 'trace-cmd (trace.dat import)', status: 'warn', detail: tc.why, fix: 'apt-get install trace-cmd (or set CRASHDECK_TRACE_CMD); without it import `trace-cmd report` text instead of trace.dat.' });
  out.push(pf.ok
    ? { id: 'perf', where, title: 'perf (perf.data import)', status: 'ok', detail: `${perf}: perf ${pf.version}` }
    : { id: 'perf', where, title: 'perf (perf.data import)', status: 'warn', detail: pf.why, fix: 'apt-get install linux-perf (Debian; Ubuntu: linux-tools-generic; RHEL/Fedora: dnf install perf), or set CRASHDECK_PERF; without it import `perf script` text instead.' });

  const chromium = findChromium(env);
  if (!chromium) {
    out.push({ id: 'chromium', where, title: 'Chromium (PDF reports)', status: 'warn', detail: 'no Chromium found (/usr/bin/chromium, chromium-browser, google-chrome)', fix: 'apt-get install chromium (or set CRASHDECK_CHROMIUM to a Chromium/Chrome binary); HTML and Markdown reports need nothing.' });
  } else {
    const c = await toolVersion(t, chromium, ['--version'], /(?:Chromium|Chrome)\s+([\d.]+)/);
    out.push(c.ok
      ? { id: 'chromium', where, title: 'Chromium (PDF reports)', status: 'ok', detail: `${chromium}: ${c.version}` }
      : { id: 'chromium', where, title: 'Chromium (PDF reports)', status: 'warn', detail: c.why, fix: `Install Chromium (apt-get install chromium) or point CRASHDECK_CHROMIUM at a working one${env.CRASHDECK_CHROMIUM ? ` (it names ${env.CRASHDECK_CHROMIUM})` : ''}.` });
  }
  out.push(...(await debuginfodChecks(env, o.settings ?? {}, o.httpTimeoutMs ?? 5000)));
  return out;
}

/** Each debuginfod URL (DEBUGINFOD_URLS, settings debuginfodUrls) answers HTTP. */
async function debuginfodChecks(env: NodeJS.ProcessEnv, settings: Settings, timeoutMs: number): Promise<DoctorCheck[]> {
  const where = 'this machine';
  const fromEnv = (env.DEBUGINFOD_URLS ?? '').split(/\s+/).filter(Boolean);
  const urls = [...new Set([...fromEnv, ...(settings.debuginfodUrls ?? [])])];
  if (!urls.length) {
    return [{ id: 'debuginfod', where, title: 'debuginfod servers', status: 'skip', detail: 'none configured (DEBUGINFOD_URLS or settings debuginfodUrls); optional: installed -dbg packages are used' }];
  }
  return Promise.all(urls.map(async (url): Promise<DoctorCheck> => {
    const source = fromEnv.includes(url) ? 'DEBUGINFOD_URLS' : 'settings debuginfodUrls';
    const title = `debuginfod ${url}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`not http(s): ${parsed.protocol}`);
    } catch (err) {
      return { id: 'debuginfod', where, title, status: 'fail', detail: `not a URL (${err instanceof Error ? err.message : String(err)})`, fix: `Fix or remove it in ${source}.` };
    }
    try {
      const res = await fetch(new URL('metrics', parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`), { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      await res.body?.cancel();
      return { id: 'debuginfod', where, title, status: 'ok', detail: `answers (HTTP ${res.status}; from ${source})` };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      return { id: 'debuginfod', where, title, status: 'fail', detail: `unreachable: ${why} (from ${source})`, fix: `Check the URL and the network (curl ${url}/metrics), or remove it from ${source}.` };
    }
  }));
}
