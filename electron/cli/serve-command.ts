/**
 * `crashdeck serve`: the browser UI. Starts the Api, the serve host on 127.0.0.1, optionally
 * opens a dump at once, and prints exactly one stdout line — the URL with its token — so
 * scripts and tests can wait for it. Everything else goes to stderr.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApi } from '../host/create-api.ts';
import type { ApiHost } from '../api/handlers.ts';
import { isLoopback } from '../serve/bind-address.ts';
import type { SshHosts } from '../transport/ssh-hosts.ts';
import { SshPromptBroker } from '../transport/ssh-prompts.ts';
import { startServeHost } from '../serve/serve-host.ts';
import { parseCommandArgs, type CliCommand } from './command-args.ts';

/** Where `npm run build:renderer` writes the UI. */
export const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');

/** The bundled demo case (issue 9), opened when no dump is given so a fresh clone shows a real analysis. */
export const demoCasePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/demo/oom-slab-leak.crashcase');

const help = `Usage: crashdeck serve [options]

Serve the crashdeck UI to a browser. Prints one line, the URL to open (it carries a secret
token; anyone with the URL can use crashdeck as you).

Options:
  --port N           port to listen on (default 0: a free port)
  --bind ADDR        address to listen on (default 127.0.0.1). Anything but loopback exposes
                     your dumps to the network and prints a warning.
  --open VMCORE      open this dump at start-up; ssh://user@host[:port]/path opens it on
                     that host (SSH questions are asked on this terminal; for dumps
                     opened from the page, the page asks for passphrases and passwords
                     and shows unknown host keys); a .crashcase
                     opens read-only without crash
  --vmlinux PATH     debug vmlinux for --open (default: discovered; on the dump's host)
  --crash PATH       crash binary for --open (default: CRASHDECK_CRASH or crash on PATH)
  --no-demo          without --open, start empty instead of opening the bundled demo case
  --renderer-dir D   built UI to serve (default: dist/renderer of this checkout)
  -h, --help         this text
`;

const command: CliCommand = { name: 'serve', usage: help };

/** Run the serve subcommand until SIGINT/SIGTERM; returns the exit code. */
export async function serveCommand(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, {
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '0' },
      bind: { type: 'string', default: '127.0.0.1' },
      open: { type: 'string' },
      vmlinux: { type: 'string' },
      crash: { type: 'string' },
      'renderer-dir': { type: 'string' },
      'no-demo': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    process.stderr.write(`crashdeck serve: --port must be a number from 0 to 65535 (got ${JSON.stringify(values.port)})\n`);
    return 2;
  }
  if ((values.vmlinux !== undefined || values.crash !== undefined) && values.open === undefined) {
    process.stderr.write('crashdeck serve: --vmlinux and --crash only apply with --open VMCORE\n');
    return 2;
  }
  const bind = values.bind;
  if (!isLoopback(bind)) {
    process.stderr.write(
      `crashdeck serve: WARNING: listening on ${bind}, not loopback. Anyone who can reach this machine and learns the ` +
        'token can read your dumps and run crash commands; traffic is plain HTTP (not encrypted). ' +
        'Prefer the default 127.0.0.1 with an SSH tunnel (ssh -L).\n',
    );
  }

  // Remote dumps. --open at start-up asks SSH questions on this terminal (nobody is on the page
  // yet); dumps opened from the page get no terminal prompts: an unknown host key fails with
  // 'host-key-unknown' carrying the fingerprint, the page asks, and ssh.acceptHostKey lets the
  // retry through. The SSH stack (ssh2) loads on first use only.
  let terminalHosts: Promise<SshHosts> | undefined;
  let pageHosts: Promise<SshHosts> | undefined;
  let startingUp = true;
  // Passphrases, passwords and keyboard-interactive questions of page logins go to the page as
  // 'ssh.prompt' events and come back through ssh.answer; the answer lives only in the login.
  const prompts = new SshPromptBroker(({ id, host, kind, message, echo }) => api.events.emit('ssh.prompt', { id, host, kind, message, echo }));
  const hostsForPage = (): Promise<SshHosts> => (pageHosts ??= import('../transport/ssh-hosts.ts').then((m) => new m.SshHosts({ prompt: prompts.prompt })));
  const ssh = {
    transportFor: async (h: string) => {
      if (startingUp) {
        terminalHosts ??= import('../transport/ssh-terminal.ts').then((m) => m.terminalSshHosts());
        return (await terminalHosts).transportFor(h);
      }
      return (await hostsForPage()).transportFor(h);
    },
    acceptHostKey: async (fingerprint: string) => (await hostsForPage()).acceptHostKey(fingerprint),
    closeAll: async () => {
      await Promise.allSettled([terminalHosts, pageHosts].map(async (p) => (p ? (await p).closeAll() : undefined)));
    },
  };
  const api: ApiHost = createApi({
    transportFor: ssh.transportFor,
    acceptHostKey: ssh.acceptHostKey,
    answerPrompt: (id, answer) => prompts.answer(id, answer),
  });
  let host;
  try {
    host = await startServeHost({ api, port, bind, rendererDir: values['renderer-dir'] ?? defaultRendererDir });
  } catch (err) {
    process.stderr.write(`crashdeck serve: cannot listen on ${bind}:${port}: ${(err as Error).message}\n`);
    await api.dispose();
    return 1;
  }

  if (values.open !== undefined && values.open.endsWith('.crashcase')) {
    // A case bundle opens read-only, without crash (issue 9).
    try {
      await api.dispatch('case.open', { path: path.resolve(values.open) });
      process.stderr.write(`crashdeck serve: opened the case ${values.open} (read-only)\n`);
    } catch (err) {
      process.stderr.write(`crashdeck serve: cannot open ${values.open}: ${describe(err)}\n`);
      await host.close();
      await api.dispose();
      return 1;
    }
  } else if (values.open !== undefined) {
    // Opened before the ready line, so the page's first `session.list` already shows it.
    // session.open returns once the dump, crash and vmlinux are checked (state 'starting');
    // crash's own start-up then reaches the page as session.state events.
    const remote = values.open.startsWith('ssh://') ? await sshTarget(values.open) : null;
    if (values.open.startsWith('ssh://') && remote === null) {
      process.stderr.write(`crashdeck serve: --open ${values.open}: expected ssh://user@host[:port]/path/to/vmcore\n`);
      await host.close();
      await api.dispose();
      return 2;
    }
    const local = (p: string): string => (remote ? p : path.resolve(p));
    const params = {
      vmcore: remote ? remote.path : path.resolve(values.open),
      ...(remote ? { host: remote.host } : {}),
      ...(values.vmlinux ? { vmlinux: local(values.vmlinux) } : {}),
      ...(values.crash ? { crash: values.crash } : {}),
    };
    try {
      const info = (await api.dispatch('session.open', params)) as { id: string; state: string };
      process.stderr.write(`crashdeck serve: opening ${params.vmcore} (session ${info.id}, ${info.state})\n`);
      // Read the dump's log now (kept per session): the page's first dump.identify answers at once.
      api.dispatch('dump.identify', { sessionId: info.id }).catch(() => undefined);
    } catch (err) {
      process.stderr.write(`crashdeck serve: cannot open ${params.vmcore}: ${describe(err)}\n`);
      await host.close();
      await api.dispose();
      await ssh.closeAll();
      return 1;
    }
  } else if (!values['no-demo']) {
    // No dump given: the demo case (read-only, no crash needed) so the UI shows a real analysis.
    try {
      await api.dispatch('case.open', { path: demoCasePath });
      process.stderr.write(`crashdeck serve: no --open: showing the demo case ${demoCasePath}\n`);
    } catch (err) {
      process.stderr.write(`crashdeck serve: the demo case could not be opened (${describe(err)}); starting empty\n`);
    }
  }

  startingUp = false;
  process.stdout.write(`crashdeck ready at ${host.url}\n`);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('crashdeck serve: shutting down\n');
  prompts.cancelAll();
  await host.close();
  await api.dispose();
  await ssh.closeAll();
  return 0;
}

async function sshTarget(url: string): Promise<{ host: string; path: string } | null> {
  const { splitSshUrl } = await import('../transport/ssh/config.ts');
  try {
    return splitSshUrl(url);
  } catch {
    return null;
  }
}

function describe(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as { message: string; hint?: string };
    return e.hint ? `${e.message}\n  ${e.hint}` : e.message;
  }
  return String(err);
}
