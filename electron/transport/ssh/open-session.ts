/**
 * Opening one SSH session channel for an exec or the sftp subsystem so that a refused request
 * never leaves the channel open.
 *
 * A session is two steps: open the channel, then ask it to run something. sshd may refuse
 * either: the open when MaxSessions is reached, the request when there is no `Subsystem sftp`
 * line (or exec is not allowed). ssh2 reports a refused request but leaves its channel open, so
 * every refused sftp request used to cost one of sshd's sessions until MaxSessions refused
 * everything. Here the channel ssh2 allocated for the call is looked up by its local id
 * (ssh2 allocates it synchronously inside the call) and closed.
 */
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';

/** Why no session came of it; `stage` says which step sshd refused. */
export class SessionRefusedError extends Error {
  constructor(
    /** 'open': the channel open (MaxSessions, resources); 'request': exec/subsystem refused. */
    readonly stage: 'open' | 'request' | 'connection',
    message: string,
    /** Settles once a refused request's channel is closed on both sides. */
    readonly closed: Promise<void> = Promise.resolve(),
  ) {
    super(message);
    this.name = 'SessionRefusedError';
  }
}

/** The slice of ssh2's channel manager used to find the channel of a refused request. */
interface ChannelTable {
  _channels?: Record<string, unknown>;
}

function channelTable(client: Client): ChannelTable | undefined {
  return (client as unknown as { _chanMgr?: ChannelTable })._chanMgr;
}

/** Run `start` (which makes ssh2 allocate exactly one channel) and return that channel's local id. */
function allocatedId(client: Client, start: () => void): string | undefined {
  const table = channelTable(client);
  const before = new Set(Object.keys(table?._channels ?? {}));
  start();
  const added = Object.keys(table?._channels ?? {}).filter((k) => !before.has(k));
  return added.length === 1 ? added[0] : undefined;
}

/** Close the channel a refused request left open; settles when it is gone (2 s at most). */
function closeRefused(client: Client, id: string | undefined, how: 'close' | 'end'): Promise<void> {
  const ch = id === undefined ? undefined : channelTable(client)?._channels?.[id];
  if (!ch || typeof ch !== 'object') return Promise.resolve();
  const stream = ch as { once?: (ev: string, f: () => void) => void; close?: () => void; end?: () => void; destroy?: () => void };
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    stream.once?.('close', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      // A Channel closes with close() (its end() is only EOF); the SFTP wrapper closes its
      // channel with end() (its close() is the SFTP request that closes a file handle).
      stream[how]?.();
    } catch {
      resolve();
    }
  });
}

function classify(client: Client, err: Error, id: string | undefined, what: string, how: 'close' | 'end'): SessionRefusedError {
  if (/Channel open failure/i.test(err.message)) return new SessionRefusedError('open', err.message);
  if (/Not connected|No free channels|Channel is not open/i.test(err.message)) return new SessionRefusedError('connection', err.message);
  return new SessionRefusedError('request', `${what} refused: ${err.message}`, closeRefused(client, id, how));
}

/** An exec channel running `command`; a refused exec request closes its channel. */
export function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let id: string | undefined;
    const started = (): void => {
      client.exec(command, (err, channel) => {
        if (err) reject(classify(client, err, id, 'exec request', 'close'));
        else resolve(channel);
      });
    };
    try {
      id = allocatedId(client, started);
    } catch (err) {
      reject(new SessionRefusedError('connection', err instanceof Error ? err.message : String(err)));
    }
  });
}

/** An SFTP session; a refused subsystem request closes its channel. */
export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    let id: string | undefined;
    const started = (): void => {
      client.sftp((err, sftp) => {
        if (err) reject(classify(client, err, id, 'sftp subsystem request', 'end'));
        else resolve(sftp);
      });
    };
    try {
      id = allocatedId(client, started);
    } catch (err) {
      reject(new SessionRefusedError('connection', err instanceof Error ? err.message : String(err)));
    }
  });
}

/**
 * Settles once sshd has freed a session we just closed: two keepalive round trips. sshd frees
 * a closed session's slot only after the pass of its main loop that read our CHANNEL_CLOSE; an
 * open sent right behind the close can be read in that same pass and bounce off MaxSessions
 * ("no more sessions"). One reply was not always enough with quick commands (OpenSSH 9.2 freed
 * the session a pass later in about one run in four of the MaxSessions 1 test); after the
 * second, it was every time.
 */
export async function serverCaughtUp(client: Client): Promise<void> {
  await pingRoundTrip(client);
  await pingRoundTrip(client);
}

/**
 * A keepalive global request and its reply. (ssh2 has no public want-reply request without
 * side effects, hence its internals; without them, a short pause.)
 */
function pingRoundTrip(client: Client): Promise<void> {
  const c = client as unknown as { _callbacks?: ((hadErr: boolean) => void)[]; _protocol?: { ping?: () => void } };
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    if (!Array.isArray(c._callbacks) || typeof c._protocol?.ping !== 'function') {
      clearTimeout(timer);
      setTimeout(resolve, 50);
      return;
    }
    try {
      c._callbacks.push(done);
      c._protocol.ping();
    } catch {
      done();
    }
  });
}

/** How an exec channel's command ended. */
export interface ChannelExit {
  code: number | null;
  signal: string | null;
}

/**
 * The exit status of a closed exec channel, from its 'close' event's arguments. ssh2 emits
 * 'exit' synchronously while it parses: when the exec reply, the output, exit-status and the
 * close of a fast command arrive in one read (a loaded host), 'exit' fires before the caller,
 * a few awaits behind the exec reply, has listened, and the status was lost ("exit code null"
 * for a stat that worked). ssh2 passes the status it recorded to 'close' too, and 'close' waits
 * until the output has been read.
 */
export function exitFromClose(args: readonly unknown[]): ChannelExit {
  const [code, signal] = args;
  const sig = typeof signal === 'string' && signal ? (signal.startsWith('SIG') ? signal : `SIG${signal}`) : null;
  return { code: typeof code === 'number' ? code : null, signal: sig };
}
