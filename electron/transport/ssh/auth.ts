/**
 * User authentication in OpenSSH's order: ssh-agent, then each identity file (asking for its
 * passphrase through the app's prompt), then keyboard-interactive and password through the same
 * prompt. Passphrases and passwords are never stored: a decrypted key stays in memory only for
 * reconnects, like ssh-agent would hold it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey } from 'ssh2';

/** A question for the user (passphrase, password, keyboard-interactive prompt). */
export interface AuthPrompt {
  kind: 'passphrase' | 'password' | 'keyboard-interactive';
  /** "user@host:port" the question is for. */
  host: string;
  message: string;
  /** Whether the answer may be shown while typed. */
  echo: boolean;
  /** The key file, for passphrase prompts. */
  keyFile?: string;
}

/** Answers a prompt; null = the user declined (skip this method). */
export type PromptFn = (prompt: AuthPrompt) => Promise<string | null>;

/** What the auth handler needs. */
export interface AuthSetup {
  user: string;
  label: string;
  /** ssh-agent socket; undefined = no agent. */
  agent?: string;
  identityFiles: readonly string[];
  prompt?: PromptFn;
  /** Decrypted keys kept for reconnects (file -> key); owned by the transport. */
  keyCache: Map<string, ParsedKey>;
  /** Collects why methods were skipped, for the auth-failed message. */
  log: string[];
}

type Step = () => Promise<AnyAuthMethod | null>;

/** An ssh2 authHandler trying agent, keys, keyboard-interactive, password in turn. */
export function makeAuthHandler(setup: AuthSetup): AuthHandlerMiddleware {
  const username = setup.user;
  const steps: { type: AuthenticationType; run: Step }[] = [];
  if (setup.agent && existsSync(setup.agent)) {
    const agent = setup.agent;
    steps.push({ type: 'publickey', run: async () => ({ type: 'agent', username, agent }) });
  }
  for (const file of setup.identityFiles) {
    steps.push({ type: 'publickey', run: async () => {
      const key = await loadKey(file, setup);
      return key ? { type: 'publickey', username, key } : null;
    } });
  }
  if (setup.prompt) {
    const prompt = setup.prompt;
    steps.push({ type: 'keyboard-interactive', run: async () => ({
      type: 'keyboard-interactive',
      username,
      prompt: (_name, instructions, _lang, prompts, finish) => {
        void (async () => {
          const answers: string[] = [];
          for (const p of prompts) {
            const a = await prompt({ kind: 'keyboard-interactive', host: setup.label, message: [instructions, p.prompt].filter(Boolean).join('\n'), echo: p.echo ?? false });
            answers.push(a ?? '');
          }
          finish(answers);
        })();
      },
    }) });
    steps.push({ type: 'password', run: async () => {
      const password = await prompt({ kind: 'password', host: setup.label, message: `Password for ${setup.label}`, echo: false });
      return password === null ? null : { type: 'password', username, password };
    } });
  }
  let i = 0;
  return (methodsLeft, _partial, next) => {
    void (async () => {
      while (i < steps.length) {
        const step = steps[i++];
        if (!step) break;
        // methodsLeft is null on the first attempt; later, only what the server still allows.
        if (methodsLeft && !methodsLeft.includes(step.type)) continue;
        try {
          const m = await step.run();
          if (m) return next(m);
        } catch (err) {
          setup.log.push(err instanceof Error ? err.message : String(err));
        }
      }
      next(false as unknown as AuthenticationType);
    })();
  };
}

/** Read and decrypt one identity file; null when missing, declined or not a key. */
async function loadKey(file: string, setup: AuthSetup): Promise<ParsedKey | null> {
  const cached = setup.keyCache.get(file);
  if (cached) return cached;
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return null;
  }
  let parsed = ssh2.utils.parseKey(data);
  for (let attempt = 0; parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message) && attempt < 3; attempt++) {
    if (!setup.prompt) {
      setup.log.push(`${file}: encrypted and no passphrase prompt is available`);
      return null;
    }
    const pass = await setup.prompt({
      kind: 'passphrase',
      host: setup.label,
      keyFile: file,
      message: attempt === 0 ? `Passphrase for key ${file}` : `Wrong passphrase. Passphrase for key ${file}`,
      echo: false,
    });
    if (pass === null) {
      setup.log.push(`${file}: passphrase declined`);
      return null;
    }
    parsed = ssh2.utils.parseKey(data, pass);
  }
  if (parsed instanceof Error) {
    setup.log.push(`${file}: ${parsed.message}`);
    return null;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) return null;
  setup.keyCache.set(file, key);
  return key;
}
