/**
 * CrashSession: one long-lived `crash` process per open dump, driven over a Transport. It is the
 * only writer to crash's stdin.
 *
 * - Start: `crash -s --no_crashrc --no_scroll [OPTIONS] VMLINUX VMCORE` on
 *   pipes: -s skips the banner, --no_crashrc keeps the user's ~/.crashrc and ./.crashrc out so
 *   output is reproducible, and on a pipe crash never pages. Readiness is the first marker
 *   coming back (see framing.ts for why markers are shell-escape echoes).
 * - One FIFO queue; exactly one command is in crash at a time, so concurrent callers each get
 *   their own output.
 * - Timeout and cancel kill crash (SIGKILL) and restart it, keeping the queue. We chose this over
 *   a pseudo-terminal (util-linux `script`), where ^C would reach crash's SIGINT handler: under a
 *   pty crash 8.0.6 kept running `kmem -V` and `foreach bt` to the end after ^C in our tests, and
 *   a pty adds prompt, echo and CRLF to every output. Killing is immediate and works the same
 *   over SSH; the price is a restart (seconds here, longer on big dumps), which the state
 *   events show ('restarting').
 * - Death (SIGKILL from outside, segfault, EOF): the in-flight command fails with 'crash-died';
 *   queued commands run after the automatic restart.
 * - A crash that stops in a named start-up step (a kernel newer than it) is restarted once with
 *   the options that skip that step (start-options.ts: --no_kmem_cache, --no_modules), and with
 *   options remembered for this (crash, kernel) it starts with them at once; a dump crash still
 *   cannot open is retried with --zero_excluded, then --minimal (retrace-server's ladder). What
 *   each option costs is the session's 'degraded' finding (`limits`), said once, never guessed.
 */
import { ApiError, type Diagnosis, type DumpCompleteness, type SessionState } from '../api/contract.ts';
import type { ExitInfo, RunningProcess, Transport } from '../transport/types.ts';
import { classifyStartupFailure, crashMissing, diagnoseCommand, diagnoseStartup, newerCrashHint, type StartupContext } from './diagnosis.ts';
import { crashNewEnough, measuredStartOptions } from './crash-requirements.ts';
import { CommandFramer, newNonce, type Frame } from './framing.ts';
import { scanOutput } from './output-scan.ts';
import { SpawnError } from '../transport/local.ts';
import { pathArg } from './crash-binary.ts';
import { assessCompleteness, diagnoseIncompleteDump, incompleteDumpCode, taskCountCommands, unknownCompleteness } from './incomplete-dump.ts';
import { costsOf, nextOptions, optionArgs, optionText, type CrashStartOption, type OptionCost } from './start-options.ts';

/** Fallback modes of the ladder, in order. */
export type DegradedMode = 'zero_excluded' | 'minimal';

/** What one command returned. */
export interface CommandResult {
  command: string;
  raw: string;
  durationMs: number;
  warnings: string[];
  /** crash's error line(s) when the command failed (also inside raw). */
  error?: string;
  /** Findings about this output (e.g. crash too old: do not trust it). */
  diagnoses: Diagnosis[];
  /** Whether the dump holds every task (the session's task check), as known when this result came. */
  completeness?: DumpCompleteness;
}

/** How to start crash for one dump. */
export interface CrashSessionOptions {
  transport: Transport;
  crashPath: string;
  vmcore: string;
  vmlinux: string | null;
  /** argv placed before crash, e.g. ['runuser', '-u', 'analyst', '--'] to run it as another user. */
  commandPrefix?: readonly string[];
  /** Per-command timeout; default 120 s. */
  commandTimeoutMs?: number;
  /** Known facts for messages and diagnoses. */
  crashVersion?: string | null;
  release?: string | null;
  /** What crashdeck found out about the dump file before starting (for failure messages). */
  dumpFacts?: Pick<StartupContext, 'truncated' | 'notADump'>;
  /** Try start-up options (--no_modules ... --minimal) when crash cannot open the dump (default true). */
  fallback?: boolean;
  /** Options remembered for this crash and kernel (start-options-store.ts): the first start uses them. */
  startOptions?: readonly CrashStartOption[];
  /** Why each remembered option was needed. */
  startReasons?: Readonly<Record<string, string>>;
  /** Called once crash is ready with options a failed start taught (for the store). */
  onOptionsLearned?: (options: CrashStartOption[], reasons: Record<string, string>) => void;
  /** Give up on a crash that is not ready after this long (default 30 min: huge dumps are slow). */
  startupTimeoutMs?: number;
  /** How often 'progress' is reported for a running command (default 1000 ms). */
  progressIntervalMs?: number;
  env?: Readonly<Record<string, string>>;
}

/** Something the UI should hear about. */
export type CrashSessionEvent =
  | { type: 'state'; state: SessionState; message: string }
  | { type: 'progress'; command: string; elapsedMs: number };

interface QueueItem {
  command: string;
  timeoutMs: number;
  resolve(result: CommandResult): void;
  reject(err: ApiError): void;
  /** The session's own check: runs synchronously before the next command, so its finding travels with it. */
  internal?: (raw: string) => void;
}

interface InFlight {
  item: QueueItem;
  seq: number;
  startedAt: number;
  timer: NodeJS.Timeout;
  progress: NodeJS.Timeout;
  killReason?: 'timeout' | 'cancelled';
}

interface Launch {
  proc: RunningProcess;
  framer: CommandFramer;
  stderr: string;
  exited: boolean;
}

const defaultTimeoutMs = 120_000;
const maxStderrKept = 64 * 1024;

/** What a session started with options cannot have, and why it was started so. */
export interface SessionLimit extends OptionCost {
  why: string;
}

/** One persistent crash process for one dump, with a FIFO command queue. */
export class CrashSession {
  state: SessionState = 'starting';
  message = 'starting crash';
  degraded: DegradedMode | null = null;
  /** The options crash runs with (empty: a plain start). */
  startOptions: CrashStartOption[] = [];
  /** Why each option was needed (crash's start-up error, or "remembered: ..."). */
  optionReasons: Record<string, string> = {};
  /** crash processes spawned to get the session started (restarts not counted). */
  starts = 0;
  startupWarnings: string[] = [];
  /** Everything crash printed before its first prompt (with -s: warnings only). */
  startupText = '';
  diagnoses: Diagnosis[] = [];
  /** Whether the dump holds every task the kernel had: unknown until the task check ran (incomplete-dump.ts). */
  completeness: DumpCompleteness = unknownCompleteness('crash has not counted the dump\'s tasks yet', 'Wait for crash to start.');
  failure: ApiError | null = null;
  restarts = 0;

  private launch: Launch | null = null;
  private seq = 0;
  private readonly queue: QueueItem[] = [];
  private inflight: InFlight | null = null;
  private readonly listeners = new Set<(e: CrashSessionEvent) => void>();
  private startPromise: Promise<void> | null = null;
  private closing = false;

  constructor(private readonly options: CrashSessionOptions) {}

  /** The pid of the running crash (or its prefix wrapper), for tests and diagnostics. */
  get pid(): number | undefined {
    return this.launch?.proc.pid;
  }

  /** Subscribe to state and progress events; returns the unsubscribe function. */
  onEvent(listener: (e: CrashSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Start crash (once); resolves when it is ready, rejects with the classified ApiError. */
  start(): Promise<void> {
    this.startPromise ??= this.firstStart();
    return this.startPromise;
  }

  /** Queue a command line; resolves with its framed output. */
  run(command: string, opts: { timeoutMs?: number } = {}): Promise<CommandResult> {
    if (/[\r\n]/.test(command) || command.trim() === '') {
      return Promise.reject(new ApiError('bad-request', 'a crash command is one non-empty line'));
    }
    if (this.state === 'failed') return Promise.reject(this.failure ?? new ApiError('internal', 'session failed'));
    if (this.state === 'closed' || this.closing) return Promise.reject(new ApiError('not-found', 'the session is closed'));
    return new Promise<CommandResult>((resolve, reject) => {
      this.queue.push({ command: command.trim(), timeoutMs: opts.timeoutMs ?? this.options.commandTimeoutMs ?? defaultTimeoutMs, resolve, reject });
      this.pump();
    });
  }

  /** Stop the command crash is running (crash is restarted; queued commands stay). */
  cancel(): boolean {
    const f = this.inflight;
    if (!f || !this.launch) return false;
    f.killReason = 'cancelled';
    this.launch.proc.kill('SIGKILL');
    return true;
  }

  /** Number of commands waiting (not counting the one running). */
  get queued(): number {
    return this.queue.length;
  }

  /** End crash and fail everything still queued. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.closing = true;
    for (const item of this.queue.splice(0)) item.reject(new ApiError('cancelled', `"${item.command}" was not run: the session was closed`));
    const launch = this.launch;
    if (launch && !launch.exited) {
      const exited = new Promise<void>((resolve) => launch.proc.onExit(() => resolve()));
      launch.proc.write('quit\n');
      launch.proc.closeStdin();
      // An idle crash quits at once; one that is busy or still starting would only read the
      // quit after finishing, so it is killed.
      const killer = setTimeout(() => launch.proc.kill('SIGKILL'), this.state === 'ready' ? 3000 : 0);
      await exited;
      clearTimeout(killer);
    }
    this.setState('closed', 'session closed');
  }

  private emit(e: CrashSessionEvent): void {
    for (const l of this.listeners) l(e);
  }

  private setState(state: SessionState, message: string): void {
    if (this.state === state && this.message === message) return;
    this.state = state;
    this.message = message;
    this.emit({ type: 'state', state, message });
  }

  /** What this session cannot have because of its start-up options, with why (empty: nothing). */
  get limits(): SessionLimit[] {
    return costsOf(this.startOptions).map((c) => ({ ...c, why: this.optionReasons[c.option] ?? 'crash was started so' }));
  }

  private args(options: readonly CrashStartOption[]): string[] {
    const o = this.options;
    const files = (o.vmlinux === null ? [o.vmcore] : [o.vmlinux, o.vmcore]).map(pathArg);
    return ['-s', '--no_crashrc', '--no_scroll', ...optionArgs(options), ...files];
  }

  private context(): StartupContext {
    return {
      vmcore: this.options.vmcore,
      vmlinux: this.options.vmlinux,
      release: this.options.release ?? null,
      truncated: this.options.dumpFacts?.truncated ?? false,
      notADump: this.options.dumpFacts?.notADump ?? false,
      crashVersion: this.options.crashVersion ?? null,
      host: this.remoteHost(),
    };
  }

  /** The host's label when crash runs over SSH (hints then say what to run there), else null. */
  private remoteHost(): string | null {
    return this.options.transport.kind === 'ssh' ? this.options.transport.label : null;
  }

  private async firstStart(): Promise<void> {
    const remembered = this.options.fallback === false ? [] : [...(this.options.startOptions ?? [])];
    let options: CrashStartOption[] = remembered;
    const reasons: Record<string, string> = {};
    for (const o of remembered) reasons[o] = `remembered from an earlier start of crash ${this.options.crashVersion ?? ''} on kernel ${this.options.release ?? ''}: ${this.options.startReasons?.[o] ?? 'it needed this option'}`.replace(/\s+/g, ' ');
    let firstError: ApiError | null = null;
    // At most: the step options (one rung, two for a failing remembered set), then --zero_excluded, --minimal.
    for (let rung = 0; rung < 5; rung++) {
      if (this.closing) break;
      this.setState('starting', options.length ? `${rung === 0 ? 'starting crash' : 'retrying'} with ${optionText(options)}` : 'starting crash');
      this.starts++;
      const outcome = await this.startProcess(options);
      if (this.closing) {
        this.launch?.proc.kill('SIGKILL');
        break;
      }
      if (outcome.ok) {
        this.startOptions = options;
        this.optionReasons = reasons;
        this.degraded = options.includes('minimal') ? 'minimal' : options.includes('zero_excluded') ? 'zero_excluded' : null;
        this.startupText = outcome.startupText;
        this.startupWarnings = scanOutput('crash', outcome.startupText).warnings;
        this.diagnoses = diagnoseStartup(outcome.startupText, this.options.crashVersion ?? null, this.options.release ?? null, this.remoteHost());
        const limited = this.limitsDiagnosis();
        if (limited) this.diagnoses.push(limited);
        const learned = options.filter((o) => o === 'no_modules' || o === 'no_kmem_cache');
        // Only kernel-wide options are remembered: --zero_excluded / --minimal are about this dump's pages.
        if (learned.length && learned.some((o) => !remembered.includes(o))) this.options.onOptionsLearned?.(learned, Object.fromEntries(learned.map((o) => [o, reasons[o] ?? ''])));
        const tooOld = this.diagnoses.find((d) => d.code === 'crash-too-old');
        if (!options.includes('minimal') && !tooOld) this.queueTaskCheck();
        else {
          this.completeness = tooOld
            ? unknownCompleteness(`crash cannot be trusted to count this dump's tasks: ${tooOld.message}`, tooOld.hint ?? 'Install a crash new enough for the kernel.')
            : unknownCompleteness('crash could open the dump only with --minimal, which reads no task table', 'Copy the dump again if it may be truncated, or read the kernel log (complete).');
        }
        this.setState('ready', options.length ? `ready (started with ${optionText(options)})` : 'ready');
        this.pump();
        return;
      }
      const err = outcome.error;
      firstError ??= err;
      if (this.options.fallback === false) break;
      // Only failures that may come from the dump's content earn the dump-level rungs; a missing
      // crash, a wrong vmlinux or a permission problem would fail the same way in every mode.
      const dumpTrouble = err.code === 'dump-truncated' || err.code === 'crash-died' || (err.code === 'dump-unreadable' && !/Permission denied/i.test(outcome.output));
      // A crash too old for the kernel is not trusted with options (install a newer one), unless
      // it was measured to read this kernel with them (crash-requirements.ts: 8.0.6 on 7.2).
      const untrusted = err.code === 'crash-too-old' && measuredStartOptions(this.options.crashVersion, this.options.release) === null;
      const next = untrusted || err.code === 'crash-missing' || err.code === 'vmlinux-mismatch' || err.code === 'vmlinux-not-found' ? null : nextOptions(options, outcome.output, dumpTrouble);
      if (!next) break;
      const crashName = `crash ${this.options.crashVersion ?? ''}`.trim();
      for (const o of next.options) if (!options.includes(o)) reasons[o] = `${crashName} could not start without it on kernel ${this.options.release ?? 'of this dump'}: ${next.reason}`;
      options = next.options;
    }
    if (this.closing) throw new ApiError('cancelled', 'the session was closed while crash was starting');
    const failure = firstError ?? new ApiError('internal', 'crash did not start');
    this.fail(failure);
    throw failure;
  }

  /**
   * Before anything else, count the tasks crash found against the kernel's own count (see
   * incomplete-dump.ts): a dump missing pages crash needs must say so on every result.
   */
  private queueTaskCheck(): void {
    const raws: string[] = [];
    const items = taskCountCommands.map((command): QueueItem => ({
      command,
      timeoutMs: 60_000,
      resolve: () => {},
      reject: () => {},
      internal: (raw) => {
        raws.push(raw);
        if (raws.length < taskCountCommands.length) return;
        const input = { startupText: this.startupText, sysRaw: raws[0] ?? '', nrThreadsRaw: raws[1] ?? '', release: this.options.release ?? null };
        this.completeness = assessCompleteness(input);
        const d = diagnoseIncompleteDump(input);
        if (!d) return;
        // diagnosis.ts may already have said so from the PID-hash warning alone; the counts say more.
        const known = this.diagnoses.findIndex((x) => x.code === incompleteDumpCode);
        if (known >= 0) this.diagnoses[known] = d;
        else this.diagnoses.push(d);
      },
    }));
    this.queue.unshift(...items);
  }

  /** The one 'degraded' finding naming what this session cannot have and why (null: nothing). */
  private limitsDiagnosis(): Diagnosis | null {
    const limits = this.limits;
    if (!limits.length) return null;
    const what = limits.map((l) => `--${l.option}: ${l.unavailable}`).join('; ');
    const why = [...new Set(limits.map((l) => l.why))].join('; ');
    const dumpLevel = limits.some((l) => l.option === 'zero_excluded' || l.option === 'minimal');
    return {
      code: 'degraded',
      severity: 'warning',
      message: `crash runs with ${optionText(this.startOptions)}, so ${what}. Why: ${why}.`,
      hint: dumpLevel
        ? 'The dump is probably incomplete; results may be partial. What crash could not read is not evidence about the kernel.'
        : `${crashNewEnough(this.options.crashVersion, this.options.release) === false ? `${newerCrashHint(this.options.release ?? null, this.remoteHost())} ` : 'A crash release that knows this kernel reads everything. '}Until then what crash cannot read here is not evidence about the kernel.`,
    };
  }

  private fail(err: ApiError): void {
    this.failure = err;
    this.launch = null;
    this.setState('failed', err.hint ? `${err.message}\n${err.hint}` : err.message);
    for (const item of this.queue.splice(0)) item.reject(err);
  }

  /** Spawn crash and wait for its first marker (ready) or its exit (failure). */
  private async startProcess(startOptions: readonly CrashStartOption[]): Promise<{ ok: true; startupText: string } | { ok: false; error: ApiError; output: string }> {
    const o = this.options;
    const prefix = o.commandPrefix ?? [];
    const argv = [...prefix, o.crashPath, ...this.args(startOptions)];
    let proc: RunningProcess;
    try {
      // Low priority: a page painting its first answer must not wait for crash's start-up.
      proc = await o.transport.spawn({ command: argv[0] as string, args: argv.slice(1), background: true, ...(o.env ? { env: o.env } : {}) });
    } catch (err) {
      if (err instanceof SpawnError && err.code === 'ENOENT') {
        return { ok: false, error: crashMissing(argv[0] as string), output: '' };
      }
      // Transport failures (SSH reconnect refused, host key changed...) keep their own code.
      if (err instanceof ApiError) return { ok: false, error: err, output: '' };
      return { ok: false, error: new ApiError('internal', `cannot start crash: ${(err as Error).message}`), output: '' };
    }
    if (this.closing) {
      proc.kill('SIGKILL');
      return { ok: false, error: new ApiError('cancelled', 'the session was closed while crash was starting'), output: '' };
    }
    const launch: Launch = { proc, framer: new CommandFramer(newNonce()), stderr: '', exited: false };
    this.launch = launch;
    return new Promise((resolve) => {
      let ready = false;
      let stalled = false;
      let stdoutBeforeReady = '';
      const stallTimer = setTimeout(() => {
        stalled = true;
        proc.kill('SIGKILL');
      }, o.startupTimeoutMs ?? 30 * 60_000);
      proc.onStderr((chunk) => {
        launch.stderr = (launch.stderr + chunk).slice(-maxStderrKept);
      });
      proc.onStdout((chunk) => {
        if (!ready) stdoutBeforeReady = (stdoutBeforeReady + chunk).slice(-maxStderrKept);
        for (const frame of launch.framer.push(chunk)) {
          if (frame.seq === 0 && !ready) {
            ready = true;
            clearTimeout(stallTimer);
            resolve({ ok: true, startupText: frame.text });
          } else {
            this.onFrame(launch, frame);
          }
        }
      });
      proc.onExit((info) => {
        launch.exited = true;
        if (!ready) {
          clearTimeout(stallTimer);
          if (this.launch === launch) this.launch = null;
          const output = `${stdoutBeforeReady}\n${launch.stderr}`;
          const error = classifyStartupFailure(output, this.context());
          if (stalled) {
            const limit = o.startupTimeoutMs ?? 30 * 60_000;
            const after = limit >= 120_000 ? `${Math.round(limit / 60_000)} min` : `${(limit / 1000).toFixed(1)} s`;
            resolve({ ok: false, error: new ApiError('timeout', `crash was not ready after ${after} and was stopped${output.trim() ? `; it said: ${output.trim().split('\n').slice(-3).join(' | ')}` : ''}`, 'Check the dump and vmlinux with crash by hand; a very large dump may need a longer startup timeout.'), output });
          } else if (info.code === 127 && /not found|No such file/i.test(output)) {
            resolve({ ok: false, error: crashMissing(o.crashPath), output });
          } else if (!output.trim() && (info.signal || (info.code !== 0 && info.code !== 1))) {
            resolve({ ok: false, error: new ApiError('crash-died', `crash died while starting (${describeExit(info)})`), output });
          } else {
            resolve({ ok: false, error, output });
          }
          return;
        }
        this.onExit(launch, info);
      });
      proc.write(launch.framer.markerCommand(0));
    });
  }

  private pump(): void {
    if (this.state !== 'ready' && this.state !== 'busy') return;
    if (this.inflight || !this.launch || this.launch.exited) return;
    const item = this.queue.shift();
    if (!item) {
      this.setState('ready', this.startOptions.length ? `ready (started with ${optionText(this.startOptions)})` : 'ready');
      return;
    }
    const launch = this.launch;
    const seq = ++this.seq;
    const startedAt = performance.now();
    const timer = setTimeout(() => {
      if (this.inflight?.seq !== seq) return;
      this.inflight.killReason = 'timeout';
      launch.proc.kill('SIGKILL');
    }, item.timeoutMs);
    const interval = this.options.progressIntervalMs ?? 1000;
    const progress = setInterval(() => {
      if (this.inflight?.seq === seq) this.emit({ type: 'progress', command: item.command, elapsedMs: Math.round(performance.now() - startedAt) });
    }, interval);
    this.inflight = { item, seq, startedAt, timer, progress };
    this.setState('busy', `running ${item.command}`);
    launch.proc.write(`${item.command}\n${launch.framer.markerCommand(seq)}`);
  }

  private finishInflight(): InFlight | null {
    const f = this.inflight;
    if (!f) return null;
    clearTimeout(f.timer);
    clearInterval(f.progress);
    this.inflight = null;
    return f;
  }

  private onFrame(launch: Launch, frame: Frame): void {
    if (launch !== this.launch || this.inflight?.seq !== frame.seq) return;
    const f = this.finishInflight() as InFlight;
    const raw = frame.text;
    const scan = scanOutput(f.item.command, raw);
    // Session-wide findings that make every output suspect travel with each result.
    if (f.item.internal) {
      f.item.internal(raw);
      this.pump();
      return;
    }
    const diagnoses = this.diagnoses.filter((d) => d.code === 'crash-too-old' || d.code === 'degraded' || d.code === 'vmlinux-mismatch' || d.code === incompleteDumpCode);
    for (const d of diagnoseCommand(raw, this.options.crashVersion ?? null, this.options.release ?? null, this.remoteHost())) {
      if (!this.diagnoses.some((x) => x.code === d.code)) this.diagnoses.push(d);
      if (!diagnoses.some((x) => x.code === d.code)) diagnoses.push(d);
    }
    const result: CommandResult = {
      command: f.item.command,
      raw,
      durationMs: Math.round(performance.now() - f.startedAt),
      warnings: scan.warnings,
      diagnoses,
      completeness: this.completeness,
    };
    if (scan.errors.length) result.error = scan.errors.join('\n');
    f.item.resolve(result);
    this.pump();
  }

  private onExit(launch: Launch, info: ExitInfo): void {
    if (launch !== this.launch) return;
    this.launch = null;
    const f = this.finishInflight();
    if (this.closing) {
      f?.item.reject(new ApiError('cancelled', `"${f.item.command}" was stopped: the session was closed`));
      return;
    }
    if (f) {
      const secs = f.item.timeoutMs < 10_000 ? (f.item.timeoutMs / 1000).toFixed(1) : String(Math.round(f.item.timeoutMs / 1000));
      if (f.killReason === 'timeout') {
        f.item.reject(new ApiError('timeout', `"${f.item.command}" did not finish within ${secs} s; crash was stopped and is restarting`, 'Run it again with a longer timeout, or narrow it (e.g. one task instead of foreach).'));
      } else if (f.killReason === 'cancelled') {
        f.item.reject(new ApiError('cancelled', `"${f.item.command}" was cancelled; crash is restarting`));
      } else if (info.reason === 'connection-lost') {
        f.item.reject(new ApiError('connection-lost', `the connection to ${this.options.transport.label} was lost while "${f.item.command}" was running`, 'crashdeck reconnects and restarts crash; run the command again once the session is ready. Results already shown are kept.'));
      } else {
        const tail = lastLine(launch.stderr);
        f.item.reject(new ApiError('crash-died', `crash died while running "${f.item.command}" (${describeExit(info)})${tail ? `: ${tail}` : ''}`, 'crash is restarting and will run the queued commands; if this command kills it again, crash cannot handle it on this dump.'));
      }
    }
    void this.restart(f ? `after ${f.killReason ?? 'crash died'}` : `crash exited (${describeExit(info)})`);
  }

  private async restart(why: string): Promise<void> {
    this.restarts++;
    this.setState('restarting', `restarting crash (${why})`);
    const outcome = await this.startProcess(this.startOptions);
    if (this.closing) {
      this.launch?.proc.kill('SIGKILL');
      return;
    }
    if (!outcome.ok) {
      this.fail(new ApiError(outcome.error.code, `crash could not be restarted: ${outcome.error.message}`, outcome.error.hint));
      return;
    }
    this.setState('ready', 'ready (restarted)');
    this.pump();
  }
}

function describeExit(info: { code: number | null; signal: string | null }): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/error trace:/.test(l));
  return lines.at(-1) ?? '';
}
