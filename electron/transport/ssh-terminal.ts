/**
 * SSH questions asked on the controlling terminal, the way OpenSSH asks them, for the CLI
 * (`crashdeck run --host ...`): passphrases and passwords typed without echo, and the
 * "authenticity of host can't be established" yes/no. Without a terminal every question is
 * declined, so scripts fail with a clear 'auth-failed' / 'host-key-unknown' instead of hanging.
 */
import { openSync } from 'node:fs';
import tty from 'node:tty';
import type { AuthPrompt } from './ssh/auth.ts';
import type { HostKeyInfo } from './ssh/connect.ts';
import { SshHosts, type SshHostsOptions } from './ssh-hosts.ts';

/** Read one line from /dev/tty; secret input is not echoed. null when there is no terminal. */
async function readTty(question: string, echo: boolean): Promise<string | null> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return null;
  }
  const input = new tty.ReadStream(fd);
  const output = new tty.WriteStream(fd);
  // Echo off before the question appears, so nothing typed early is shown.
  input.setRawMode(true);
  input.setEncoding('utf8');
  output.write(question);
  return new Promise((resolve) => {
    let answer = '';
    const done = (value: string | null): void => {
      input.setRawMode(false);
      input.removeAllListeners('data');
      input.destroy();
      output.write('\n');
      output.destroy();
      resolve(value);
    };
    input.on('data', (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(answer);
        // Ctrl-C / Ctrl-D: decline.
        if (ch === '\u0003' || ch === '\u0004') return done(null);
        if (ch === '\u007f' || ch === '\b') {
          if (answer.length) {
            answer = answer.slice(0, -1);
            if (echo) output.write('\b \b');
          }
          continue;
        }
        answer += ch;
        if (echo) output.write(ch);
      }
    });
  });
}

/** Prompt callback for SshTransport: asks on the terminal. */
export async function terminalPrompt(p: AuthPrompt): Promise<string | null> {
  const q = p.kind === 'passphrase' ? `Enter passphrase for key '${p.keyFile ?? ''}': ` : p.kind === 'password' ? `${p.host}'s password: ` : `${p.message.trim()} `;
  return readTty(q, p.echo);
}

/** Host-key callback for SshTransport: OpenSSH's question, answered yes/no on the terminal. */
export async function terminalConfirmHostKey(info: HostKeyInfo): Promise<boolean> {
  const q = `The authenticity of host '${info.name}' can't be established.\n${info.keyType} key fingerprint is ${info.fingerprint}.\nAre you sure you want to continue connecting (yes/no)? `;
  for (;;) {
    const a = await readTty(q, true);
    if (a === null) return false;
    if (/^yes$/i.test(a.trim())) return true;
    if (/^no$/i.test(a.trim())) return false;
  }
}

/** SshHosts for command-line front doors: questions on the terminal. */
export function terminalSshHosts(options: Omit<SshHostsOptions, 'prompt' | 'confirmHostKey'> = {}): SshHosts {
  return new SshHosts({ ...options, prompt: terminalPrompt, confirmHostKey: terminalConfirmHostKey });
}
