/**
 * SSH in the desktop app: host keys are confirmed in a native dialog showing the fingerprint
 * (OpenSSH's question), and passphrases/passwords the user chose to remember come from the
 * safeStorage-backed SecretStore. Anything not remembered is declined, so the session fails
 * with 'auth-failed' and its hint (use ssh-agent, or remember the passphrase) instead of hanging.
 */
import type { BaseWindow, Dialog } from 'electron';
import type { AuthPrompt } from '../transport/ssh/auth.ts';
import type { HostKeyInfo } from '../transport/ssh/connect.ts';
import { SshHosts } from '../transport/ssh-hosts.ts';

/**
 * The SecretStore id under which the answer to `prompt` is remembered:
 * `ssh:passphrase:<key file>` for key passphrases, `ssh:password:<user@host:port>` for passwords.
 * The page stores secrets under these ids (desktop.storeSecret) after asking the user.
 */
export function sshSecretId(prompt: Pick<AuthPrompt, 'kind' | 'host' | 'keyFile'>): string | null {
  if (prompt.kind === 'passphrase' && prompt.keyFile) return `ssh:passphrase:${prompt.keyFile}`;
  if (prompt.kind === 'password') return `ssh:password:${prompt.host}`;
  return null;
}

/** The native host-key question; resolves true when the user accepts the key. */
export async function confirmHostKeyDialog(dialog: Pick<Dialog, 'showMessageBox'>, window: () => BaseWindow | null, info: HostKeyInfo): Promise<boolean> {
  const options = {
    type: 'warning' as const,
    title: 'Unknown SSH host key',
    message: `The authenticity of host '${info.name}' can't be established.`,
    detail: `${info.keyType} key fingerprint is ${info.fingerprint}.\n\nCompare it with the fingerprint your administrator gave you (ssh-keygen -lf on the server). Connect and remember this key?`,
    buttons: ['Cancel', 'Connect'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const win = window();
  const r = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return r.response === 1;
}

/** The SSH prompt callback: remembered answers only, everything else declined. */
export function rememberedAnswers(secrets: { get(id: string): Promise<string | null> }): (p: AuthPrompt) => Promise<string | null> {
  return async (p) => {
    const id = sshSecretId(p);
    return id === null ? null : secrets.get(id);
  };
}

/** Remembered answers first; a question with none goes to `ask` (the page, via ssh.prompt). */
export function rememberedThenAsk(secrets: { get(id: string): Promise<string | null> }, ask: (p: AuthPrompt) => Promise<string | null>): (p: AuthPrompt) => Promise<string | null> {
  const remembered = rememberedAnswers(secrets);
  return async (p) => (await remembered(p)) ?? ask(p);
}

/** SshHosts for the desktop app. */
export function desktopSshHosts(deps: {
  secrets: { get(id: string): Promise<string | null> };
  confirmHostKey(info: HostKeyInfo): Promise<boolean>;
  appKnownHostsFile: string;
  /** Ask the user (the page's SSH prompt) when no answer is remembered; declined without it. */
  ask?: (p: AuthPrompt) => Promise<string | null>;
}): SshHosts {
  return new SshHosts({
    appKnownHostsFile: deps.appKnownHostsFile,
    prompt: deps.ask ? rememberedThenAsk(deps.secrets, deps.ask) : rememberedAnswers(deps.secrets),
    confirmHostKey: (info) => deps.confirmHostKey(info),
  });
}
