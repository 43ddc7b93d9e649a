/**
 * What every method implementation shares: resolved options, the open sessions, the event bus
 * and how to reach a host.
 */
import type { EventBus } from '../../api/handlers.ts';
import type { Transport } from '../../transport/types.ts';
import type { SessionRecord } from '../../crash/session-record.ts';

/** Options of createApi (see create-api.ts). */
export interface CreateApiOptions {
  /** crash binary; else CRASHDECK_CRASH, else `crash` on PATH. */
  crashPath?: string;
  /** Where dumps.list looks by default (/var/crash). */
  defaultCrashDir?: string;
  /** Extra directories searched for vmlinux-REL before the standard ones. */
  debuginfoDirs?: string[];
  /** Per-command timeout (default 120 s). */
  commandTimeoutMs?: number;
  /** How long crash may take to become ready (default 30 min). */
  startupTimeoutMs?: number;
  /** Transport for a remote host ("ssh://user@host:port" or an ~/.ssh/config alias). */
  transportFor?(host: string): Transport | Promise<Transport>;
  /** Accept an unknown host key by its SHA256 fingerprint (ssh.acceptHostKey); the owner of transportFor's SSH hosts. */
  acceptHostKey?(fingerprint: string): void | Promise<void>;
  /** Answer an 'ssh.prompt' question (null = cancel); false when it is unknown or already settled. */
  answerPrompt?(id: string, answer: string | null): boolean;
  /** argv run before crash, e.g. ['runuser', '-u', 'analyst', '--'] to analyse as another user. */
  commandPrefix?: readonly string[];
  /** Prints report.export's PDFs instead of headless Chromium (the desktop app: Electron's printToPDF). */
  pdfRenderer?(html: string): Promise<Buffer>;
  /** Environment used to resolve CRASHDECK_CRASH (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Shared state of one Api instance. */
export interface ApiContext {
  options: CreateApiOptions;
  bus: EventBus;
  local: Transport;
  sessions: Map<string, SessionRecord>;
  /** Remote transports opened by sessions, closed on dispose. */
  remotes: Set<Transport>;
}
