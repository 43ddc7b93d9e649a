/**
 * What may be sent to crash. Guided views name a command id from the contract plus at most one
 * argument (for `vtop -c`: a pid and up to 16 addresses), validated here and assembled into the
 * exact command line. The free console passes the user's line through `checkConsoleLine`. Unless
 * shell is enabled for the session it refuses what would make crash run programs, load code or
 * write files: `!cmd`, `| pipe`, `> file`, `>> file`, `< file` (a command file), gdb commands such as shell/make/source/dump — also
 * abbreviated, since gdb accepts `she` for `shell` — `extend`, alias definitions, `rd -r` and
 * `set console/core/error FILE`. It always refuses what would break the session itself: several
 * lines, control characters, quit, history re-runs (`r`), `repeat`, a pager or gdb mode, and gdb
 * commands that read more input lines.
 */
import { ApiError, commandIds, type CommandId, type GuidedCommand } from '../api/contract.ts';

type ArgKind = 'pid' | 'address' | 'cache' | 'command' | 'pid-addresses' | 'symbol-or-address' | 'module-object';

/** How each guided command takes its argument: none, optional or required, and of which kind. */
const argSpec: Record<CommandId, { kind: ArgKind; required: boolean } | null> = {
  sys: null,
  'sys -t': null,
  log: null,
  ps: null,
  'ps -G': null,
  'ps -m': null,
  'ps -S': null,
  bt: { kind: 'pid', required: false },
  'bt -a': null,
  'foreach bt': null,
  mod: null,
  'mod -t': null,
  dev: null,
  'kmem -i': null,
  'kmem -s': null,
  'kmem -S': { kind: 'cache', required: true },
  'kmem -z': null,
  'kmem -f': null,
  'kmem -V': null,
  'kmem -g': null,
  'kmem -p': { kind: 'address', required: true },
  vm: { kind: 'pid', required: false },
  task: { kind: 'pid', required: false },
  help: { kind: 'command', required: false },
  'vtop -c': { kind: 'pid-addresses', required: true },
  'foreach UN bt': null,
  'bt -F': { kind: 'pid', required: true },
  'bt -s': { kind: 'pid', required: true },
  sym: { kind: 'symbol-or-address', required: true },
  'struct mutex.owner': { kind: 'symbol-or-address', required: true },
  'struct rw_semaphore.owner': { kind: 'symbol-or-address', required: true },
  'mod -s': { kind: 'module-object', required: true },
  'dis -rl': { kind: 'address', required: true },
};

/** Largest pid Linux allows (PID_MAX_LIMIT on 64-bit). */
const pidMaxLimit = 4_194_304;
/** Most addresses one `vtop -c` may translate (a task's sample pages; the arg is capped at 256 chars anyway). */
export const vtopMaxAddresses = 16;

function validateArg(kind: ArgKind, arg: string): string {
  switch (kind) {
    case 'pid': {
      if (!/^\d{1,7}$/.test(arg) || Number(arg) > pidMaxLimit) throw new ApiError('bad-request', `not a pid: ${JSON.stringify(arg)} (a decimal number up to ${pidMaxLimit})`);
      return String(Number(arg));
    }
    case 'address': {
      const m = /^(?:0x)?([0-9a-fA-F]{1,16})$/.exec(arg);
      if (!m) throw new ApiError('bad-request', `not a hex address: ${JSON.stringify(arg)} (up to 16 hex digits, optional 0x)`);
      return `0x${(m[1] as string).toLowerCase()}`;
    }
    case 'cache': {
      if (!/^[A-Za-z0-9_:.][A-Za-z0-9_:.-]{0,63}$/.test(arg)) throw new ApiError('bad-request', `not a slab cache name: ${JSON.stringify(arg)} (letters, digits, _ : . -)`);
      return arg;
    }
    case 'pid-addresses': {
      // "PID ADDR [ADDR...]" separated by single spaces: `vtop -c PID ADDR...` in the task's address space.
      const parts = arg.split(' ');
      if (parts.length < 2 || parts.length > vtopMaxAddresses + 1) {
        throw new ApiError('bad-request', `vtop -c takes a pid and 1 to ${vtopMaxAddresses} hex addresses separated by single spaces, not ${JSON.stringify(arg)}`);
      }
      return [validateArg('pid', parts[0] as string), ...parts.slice(1).map((a) => validateArg('address', a))].join(' ');
    }
    case 'symbol-or-address': {
      if (/^(?:0x)?[0-9a-fA-F]{9,16}$/.test(arg)) return validateArg('address', arg);
      if (!/^[A-Za-z_][A-Za-z0-9_.]{0,127}$/.test(arg)) throw new ApiError('bad-request', `not a kernel symbol or hex address: ${JSON.stringify(arg)}`);
      return arg;
    }
    case 'module-object': {
      // "NAME" (crash searches the module tree) or "NAME /abs/path/NAME.ko[.debug]": crash only reads the file.
      const m = /^([A-Za-z0-9_][A-Za-z0-9_-]{0,63})(?: (\/[A-Za-z0-9_.+/-]{1,200}\.(?:ko|ko\.debug|debug)))?$/.exec(arg);
      if (!m || (m[2] ?? '').split('/').includes('..')) {
        throw new ApiError('bad-request', `mod -s takes a module name and optionally an absolute path to its .ko (letters, digits, _ . + - /), not ${JSON.stringify(arg)}`);
      }
      return m[2] ? `${m[1]} ${m[2]}` : (m[1] as string);
    }
    case 'command': {
      if (!/^[a-z][a-z0-9_]{0,31}$/.test(arg)) throw new ApiError('bad-request', `not a crash command name: ${JSON.stringify(arg)}`);
      return arg;
    }
  }
}

/** The exact crash command line for a guided command; throws 'bad-request' for a bad argument. */
export function buildGuidedCommand(cmd: GuidedCommand): string {
  if (!(commandIds as readonly string[]).includes(cmd.id)) throw new ApiError('bad-request', `unknown command id: ${JSON.stringify(cmd.id)}`);
  const spec = argSpec[cmd.id];
  const arg = cmd.arg?.trim() ?? '';
  if (spec === null) {
    if (arg !== '') throw new ApiError('bad-request', `${cmd.id} takes no argument`);
    return cmd.id;
  }
  if (arg === '') {
    if (spec.required) throw new ApiError('bad-request', `${cmd.id} needs a ${spec.kind === 'cache' ? 'slab cache name' : spec.kind === 'pid-addresses' ? 'pid and addresses' : spec.kind.replaceAll('-', ' ')}`);
    return cmd.id;
  }
  return `${cmd.id} ${validateArg(spec.kind, arg)}`;
}

/** Characters that make crash start a shell or read a command file (anywhere, even in quotes:
 * crash's and gdb's quote handling differ, so quoting is no protection). */
const shellChars = /[!|<>]/;
// eslint-disable-next-line no-control-regex
const controlChars = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Verbs that end the session, re-run history (which holds the session's own markers and any
 * earlier shell command), repeat forever, or make gdb read further stdin lines (which would
 * swallow the session's markers). Refused even with shell on. */
const alwaysRefused = new Set(['q', 'quit', 'exit', 'r', 'repeat', 'define', 'document', 'commands', 'while', 'if', 'python', 'pi', 'python-interactive', 'end']);
/** A pager (any `set scroll` but off) or gdb mode would change how crash prints and break framing. */
const breaksFraming = /^(sn|set\s+scroll\s+(?!off\b)\S+|set\s+gdb\s+(?!off\b)\S+)/;

/** crash's own commands (crash 8.0.6 `help`); anything else goes to gdb unless it names a kernel symbol. */
const crashCommands = new Set([
  '*', 'alias', 'ascii', 'bpf', 'bt', 'btop', 'dev', 'dis', 'eval', 'exit', 'extend', 'files', 'foreach', 'fuser', 'gdb', 'help', 'ipcs', 'irq',
  'kmem', 'list', 'log', 'mach', 'mod', 'mount', 'net', 'p', 'ps', 'pte', 'ptob', 'ptov', 'q', 'rd', 'repeat', 'runq', 'sbitmapq', 'search', 'set',
  'sig', 'struct', 'swap', 'sym', 'sys', 'task', 'timer', 'tree', 'union', 'vm', 'vtop', 'waitq', 'whatis', 'wr',
]);
/** gdb commands that only read, allowed through `gdb CMD` or directly while shell is off. */
const gdbReadOnly = new Set(['p', 'print', 'inspect', 'ptype', 'whatis', 'info', 'i', 'x', 'list', 'l', 'disassemble', 'output', 'printf', 'echo', 'help', 'show', 'frame', 'f', 'bt', 'backtrace', 'where', 'up', 'down', 'sizeof']);
/**
 * gdb commands that run programs, load code, or write files. crash itself prohibits only some of
 * them and only by exact name: gdb also accepts any unambiguous abbreviation (`she echo x` runs
 * a shell through crash 8.0.6), so a verb that abbreviates one of these is refused.
 */
const gdbDangerous = [
  'shell', 'make', 'edit', 'pipe', 'source', 'python', 'python-interactive', 'guile', 'guile-repl', 'compile', 'expression', 'dump', 'append',
  'restore', 'save', 'cd', 'run', 'start', 'starti', 'attach', 'target', 'generate-core-file', 'gcore', 'interpreter-exec', 'file', 'exec-file',
  'symbol-file', 'core-file', 'add-symbol-file', 'sharedlibrary', 'load', 'kill', 'detach', 'signal', 'jump', 'call', 'record', 'checkpoint',
  'alias', 'set', 'tui', 'remote', 'monitor',
];

function refusedShell(what: string): ApiError {
  return new ApiError('refused', `${what} is off for this session`, 'Turn shell access on for this session if you trust this command; it then runs with your rights on the analysis host.');
}

/** The reason a line (shell off) could run programs, load code or write files, or null. */
function dangerousVerb(words: string[]): string | null {
  const [first = '', ...rest] = words;
  if (first === 'gdb') {
    const sub = rest[0] ?? '';
    return sub === '' || gdbReadOnly.has(sub) ? null : `gdb ${sub} (only read-only gdb commands: ${[...gdbReadOnly].join(', ')})`;
  }
  if (crashCommands.has(first)) {
    if (first === 'extend') return 'extend (loads a shared library into crash)';
    if (first === 'alias' && rest.length > 1) return 'alias definitions (an alias can stand for any command)';
    if (first === 'rd' && rest.some((w) => /^-\w*r/.test(w))) return 'rd -r (writes memory to a file)';
    if (first === 'set' && rest[0] === 'console') return 'set console (writes debug output to a file or device)';
    if (first === 'set' && rest[0] === 'core' && rest[1] !== 'off') return 'set core (drops a core file)';
    if (first === 'set' && rest[0] === 'error' && rest[1] !== undefined && !['default', 'redirect'].includes(rest[1])) return 'set error FILE (writes error messages to a file)';
    return null;
  }
  if (gdbReadOnly.has(first)) return null;
  const hit = gdbDangerous.find((d) => d.startsWith(first.toLowerCase()));
  return hit ? `"${first}" (gdb would run it as ${hit})` : null;
}

/** Check one free-console line; returns it trimmed or throws ApiError('refused'). */
export function checkConsoleLine(line: string, shellEnabled: boolean): string {
  if (controlChars.test(line)) throw new ApiError('refused', 'one command per line, without control characters', 'Send each command separately.');
  const trimmed = line.trim();
  if (trimmed === '') throw new ApiError('bad-request', 'empty command');
  const words = trimmed.split(/\s+/);
  const verb = words[0] === 'gdb' ? (words[1] ?? '') : (words[0] as string);
  if (alwaysRefused.has(verb.toLowerCase())) {
    const ends = /^(q|quit|exit)$/i.test(verb);
    throw new ApiError(
      'refused',
      `"${verb}" is not available in the console: it would ${ends ? 'end the crash session' : verb === 'r' ? 're-run crash history' : verb === 'repeat' ? 'repeat forever on a dump' : 'read more input lines and stall the session'}`,
      ends ? 'Close the session from the session menu instead.' : undefined,
    );
  }
  if (breaksFraming.test(trimmed)) throw new ApiError('refused', 'the pager and gdb mode cannot be turned on in crashdeck', "Output is shown in full; use the view's search, and `gdb CMD` for single gdb commands.");
  if (shellEnabled) return trimmed;
  if (shellChars.test(trimmed)) throw refusedShell('running shell commands, pipes, redirections and command files (!, |, >, >>, <)');
  const danger = dangerousVerb(words);
  if (danger) {
    const e = refusedShell(`${danger}: running programs, loading code or writing files`);
    throw new ApiError(e.code, e.message, `${e.hint} To look at a kernel object of that name, say it explicitly (struct NAME ADDR, p NAME).`);
  }
  return trimmed;
}
