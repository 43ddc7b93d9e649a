/**
 * DrgnSession: one long-lived drgn engine (crashdeck_drgn.py under the host's python3) per open
 * dump, driven over a Transport like the crash session, so it runs the same on this machine and
 * on the dump's host over SSH (the program text goes as `python3 -c TEXT`; nothing is installed).
 *
 * - Start: the engine loads vmlinux + vmcore and prints one `ready` line (drgn version, python,
 *   release, features) or one `failed` line; a python3 that does not start or cannot import drgn
 *   is `drgn-missing`, a dump drgn cannot load `drgn-load-failed`.
 * - One FIFO queue; one request in the engine at a time, so a cancel or timeout names exactly one.
 * - Cancel and timeout kill the engine (SIGKILL) and start it again for the next request, the
 *   queue kept — the same choice as crash/session.ts: a Python thread stuck in a long walk cannot
 *   be interrupted from outside, and a reload costs about a second.
 * - Module debug info loaded by a `load_module` question (`mod -s`) is loaded again by every
 *   later engine, so a restart does not take back what `mod -s` gave.
 * - The engine answers a failing question with an error line and goes on; that request fails
 *   with `question-failed`, the others are untouched. An engine that dies fails its request with
 *   `drgn-died` and is started again for the next.
 */
import type { RunningProcess, Transport } from '../transport/types.ts';
import type { DrgnQuestion, DrgnQuestions, DrgnReady } from './answers.ts';
import { drgnEngineScript } from './engine-script.ts';

/** Why a request or the engine failed. */
export type DrgnErrorCode = 'drgn-missing' | 'drgn-load-failed' | 'drgn-died' | 'question-failed' | 'cancelled' | 'timeout' | 'closed';

/** A failure of the drgn engine, with what to do next where there is something. */
export class DrgnError extends Error {
  constructor(
    readonly code: DrgnErrorCode,
    message: string,
    readonly hint?: string,
    /** The Python exception type of a failed question ("FaultError", "LookupError"). */
    readonly pythonType?: string,
  ) {
    super(message);
    this.name = 'DrgnError';
  }
}

/** How to start the engine for one dump. */
export interface DrgnSessionOptions {
  transport: Transport;
  /** python3 that imports drgn (engine-script.ts resolveDrgnPython). */
  python: string;
  vmcore: string;
  vmlinux: string;
  /**
   * A directory of module debug info (the dump's own directory): the engine loads `<name>.ko`
   * from it for each loaded module that has one, so stacks unwind past module frames and module
   * addresses get source lines.
   */
  moduleDir?: string;
  /** Per-request timeout; default 120 s. */
  requestTimeoutMs?: number;
  /** Give up on an engine that has not loaded the dump after this long; default 10 min. */
  startupTimeoutMs?: number;
  /** Run through `sudo -n` (root-only dumps on a remote host). */
  sudo?: boolean;
}

interface Pending {
  id: number;
  op: DrgnQuestion;
  args: object;
  timeoutMs: number;
  resolve(answer: unknown): void;
  reject(err: DrgnError): void;
  timer?: ReturnType<typeof setTimeout>;
}

interface EngineLine {
  event?: 'ready' | 'failed';
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: { type?: string; message?: string };
}

const installHint = 'Install drgn: Debian/Ubuntu `sudo apt-get install python3-drgn` (or `bash native-tools/install-drgn.sh` for a newer one), Fedora `sudo dnf install python3-drgn`; point crashdeck at its python3 with CRASHDECK_DRGN_PYTHON.';

/** One drgn engine per dump. */
export class DrgnSession {
  private proc: RunningProcess | null = null;
  private starting: Promise<DrgnReady> | null = null;
  private readyInfo: DrgnReady | null = null;
  private loadFailure: DrgnError | null = null;
  private readonly queue: Pending[] = [];
  private inFlight: Pending | null = null;
  private nextId = 1;
  private closed = false;
  private starts = 0;
  /** Modules whose debug info a `load_module` question loaded: name -> .ko path. */
  private readonly loadedModules = new Map<string, string>();

  constructor(private readonly options: DrgnSessionOptions) {}

  /** The engine's `ready` facts once it has loaded the dump. */
  get ready(): DrgnReady | null {
    return this.readyInfo;
  }

  /** How many times an engine was started (the first load plus restarts after cancel / death). */
  get startCount(): number {
    return this.starts;
  }

  /** Start the engine (once; later calls share the same start). Rejects with drgn-missing / drgn-load-failed. */
  start(): Promise<DrgnReady> {
    if (this.closed) return Promise.reject(new DrgnError('closed', 'the drgn session is closed'));
    if (this.loadFailure) return Promise.reject(this.loadFailure);
    if (this.proc && this.readyInfo) return Promise.resolve(this.readyInfo);
    this.starting ??= this.spawnEngine().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** Ask one question; answers in order of asking. */
  ask<Q extends DrgnQuestion>(op: Q, args?: DrgnQuestions[Q]['args'], options: { timeoutMs?: number } = {}): Promise<DrgnQuestions[Q]['answer']> {
    if (this.closed) return Promise.reject(new DrgnError('closed', 'the drgn session is closed'));
    const answer = this.enqueue(op, args, options);
    if (op === 'load_module') {
      // A module's debug info loaded on request is loaded again by an engine started after a cancel or timeout.
      answer.then((a) => {
        const loaded = a as DrgnQuestions['load_module']['answer'];
        if (loaded.objectFile) this.loadedModules.set(loaded.module, loaded.objectFile);
      }, () => undefined);
    }
    return answer;
  }

  private enqueue<Q extends DrgnQuestion>(op: Q, args: DrgnQuestions[Q]['args'] | undefined, options: { timeoutMs?: number }): Promise<DrgnQuestions[Q]['answer']> {
    return new Promise<DrgnQuestions[Q]['answer']>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        op,
        args: args ?? {},
        timeoutMs: options.timeoutMs ?? this.options.requestTimeoutMs ?? 120_000,
        resolve: resolve as (answer: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  /** Cancel the request in the engine (kill; the next queued request starts a new engine). */
  cancel(): boolean {
    const item = this.inFlight;
    if (!item) return false;
    this.finish(item, new DrgnError('cancelled', `cancelled: drgn ${item.op}`));
    this.killEngine();
    return true;
  }

  /** Stop the engine; queued and running requests fail with 'closed'. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new DrgnError('closed', 'the drgn session was closed');
    if (this.inFlight) this.finish(this.inFlight, err);
    for (const item of this.queue.splice(0)) item.reject(err);
    const proc = this.proc;
    this.proc = null;
    if (proc) {
      const exited = new Promise<void>((resolve) => proc.onExit(() => resolve()));
      proc.closeStdin();
      proc.kill('SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    }
  }

  private pump(): void {
    if (this.closed || this.inFlight || this.queue.length === 0) return;
    if (!this.proc || !this.readyInfo) {
      this.start().then(
        () => this.pump(),
        (err: DrgnError) => {
          for (const item of this.queue.splice(0)) item.reject(err);
        },
      );
      return;
    }
    const item = this.queue.shift() as Pending;
    this.inFlight = item;
    item.timer = setTimeout(() => {
      if (this.inFlight !== item) return;
      this.finish(item, new DrgnError('timeout', `drgn ${item.op} did not answer within ${Math.round(item.timeoutMs / 1000)} s`, 'The engine was stopped and starts again for the next request.'));
      this.killEngine();
    }, item.timeoutMs);
    this.proc.write(`${JSON.stringify({ id: item.id, op: item.op, args: item.args })}\n`);
  }

  private finish(item: Pending, outcome: DrgnError | { answer: unknown }): void {
    if (item.timer) clearTimeout(item.timer);
    if (this.inFlight === item) this.inFlight = null;
    if (outcome instanceof DrgnError) item.reject(outcome);
    else item.resolve(outcome.answer);
  }

  private killEngine(): void {
    const proc = this.proc;
    this.proc = null;
    this.readyInfo = null;
    proc?.kill('SIGKILL');
    // The next request starts a new engine once this one is gone.
    queueMicrotask(() => this.pump());
  }

  private async spawnEngine(): Promise<DrgnReady> {
    const script = await drgnEngineScript();
    const { transport, python, vmcore, vmlinux } = this.options;
    this.starts += 1;
    let proc: RunningProcess;
    try {
      proc = await transport.spawn({
        command: python,
        args: [
          '-c', script, vmcore, vmlinux,
          ...(this.options.moduleDir ? ['--module-dir', this.options.moduleDir] : []),
          ...[...this.loadedModules].flatMap(([name, file]) => ['--module', `${name}=${file}`]),
        ],
        background: true,
        ...(this.options.sudo ? { sudo: true } : {}),
      });
    } catch (err) {
      this.loadFailure = new DrgnError('drgn-missing', `${python} could not be started on ${transport.label}: ${(err as Error).message}`, installHint);
      throw this.loadFailure;
    }
    this.proc = proc;
    let stderr = '';
    let buffer = '';
    return new Promise<DrgnReady>((resolve, reject) => {
      let settled = false;
      const startupTimer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new DrgnError('timeout', `drgn did not load the dump within ${Math.round((this.options.startupTimeoutMs ?? 600_000) / 1000)} s`));
        if (this.proc === proc) this.killEngine();
        else proc.kill('SIGKILL');
      }, this.options.startupTimeoutMs ?? 600_000);
      const settle = (outcome: DrgnReady | DrgnError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(startupTimer);
        if (outcome instanceof DrgnError) reject(outcome);
        else resolve(outcome);
      };
      proc.onStderr((chunk) => {
        stderr = (stderr + chunk).slice(-8192);
      });
      proc.onStdout((chunk) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
          if (line.trim()) this.onLine(proc, line, settle);
        }
      });
      proc.onExit((info) => {
        const wasCurrent = this.proc === proc;
        if (wasCurrent) {
          this.proc = null;
          this.readyInfo = null;
        }
        const how = info.reason ?? (info.signal ? `signal ${info.signal}` : `exit code ${info.code}`);
        if (!settled) {
          this.loadFailure = classifyStartFailure(python, transport.label, stderr, how);
          settle(this.loadFailure);
        }
        if (wasCurrent && this.inFlight) {
          const tail = stderr.trim().split('\n').slice(-3).join(' | ');
          this.finish(this.inFlight, new DrgnError('drgn-died', `the drgn engine ended (${how}) during ${this.inFlight.op}${tail ? `: ${tail}` : ''}`, 'It starts again for the next request.'));
        }
        if (wasCurrent) this.pump();
      });
    });
  }

  private onLine(proc: RunningProcess, line: string, settle: (outcome: DrgnReady | DrgnError) => void): void {
    let msg: EngineLine;
    try {
      msg = JSON.parse(line) as EngineLine;
    } catch {
      return; // not ours (a library's print): only JSON lines are answers
    }
    if (msg.event === 'ready') {
      if (this.proc === proc) this.readyInfo = msg as unknown as DrgnReady;
      settle(msg as unknown as DrgnReady);
      return;
    }
    if (msg.event === 'failed') {
      this.loadFailure = new DrgnError('drgn-load-failed', `drgn could not load the dump: ${msg.error?.message ?? 'no reason given'}`, undefined, msg.error?.type);
      settle(this.loadFailure);
      return;
    }
    const item = this.inFlight;
    if (!item || this.proc !== proc || msg.id !== item.id) return;
    if (msg.ok) this.finish(item, { answer: msg.result });
    else this.finish(item, new DrgnError('question-failed', `drgn ${item.op}: ${msg.error?.type ?? 'Error'}: ${msg.error?.message ?? ''}`, undefined, msg.error?.type));
    // The next queued question goes in once this one is answered (views ask several at once).
    this.pump();
  }
}

/** A start that ended before `ready`: no interpreter, no drgn module, or something else. */
function classifyStartFailure(python: string, host: string, stderr: string, how: string): DrgnError {
  const text = stderr.trim();
  if (/No module named '?_?drgn'?/.test(text)) {
    return new DrgnError('drgn-missing', `${python} on ${host} cannot import drgn`, installHint);
  }
  if (/not found|No such file|exit code 127/.test(`${text} ${how}`)) {
    return new DrgnError('drgn-missing', `${python} was not found on ${host}`, installHint);
  }
  const tail = text.split('\n').slice(-4).join(' | ');
  return new DrgnError('drgn-load-failed', `the drgn engine ended before loading the dump (${how})${tail ? `: ${tail}` : ''}`);
}
