import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.ts';

const helper = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ask-on-tty.ts');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

/** Run the helper under a real pseudo-terminal (util-linux script), typing `keys` once it asks. */
function onTerminal(kind: string, keys: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${tsx} ${helper} ${kind}`, '/dev/null'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let sent = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      // Type the next line each time a question has appeared.
      const asked = (out.match(/passphrase for key|\(yes\/no\)\? /g) ?? []).length;
      while (sent < asked && sent < keys.length) child.stdin.write(keys[sent++] as string);
    });
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

describe('terminal prompts (CLI)', () => {
  it('reads a passphrase from the terminal without echoing it', async () => {
    const out = await onTerminal('passphrase', ['s3cret pass\r']);
    expect(out).toContain("Enter passphrase for key '/k/id_ed25519': ");
    expect(out).toContain('ANSWER="s3cret pass"');
    expect(out.replace('ANSWER="s3cret pass"', '')).not.toContain('s3cret');
  });

  it('asks OpenSSH\'s host key question and insists on yes or no', async () => {
    const out = await onTerminal('hostkey', ['maybe\r', 'yes\r']);
    expect(out).toContain("The authenticity of host '[h]:2222' can't be established.");
    expect(out).toContain('ssh-ed25519 key fingerprint is SHA256:abc.');
    expect(out).toContain('ANSWER=true');
  });

  it('declines on Ctrl-C', async () => {
    expect(await onTerminal('hostkey', ['\u0003'])).toContain('ANSWER=false');
  });

  it('declines when there is no terminal, instead of hanging', () => {
    const r = spawnSync('setsid', [tsx, helper, 'passphrase'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    expect(r.stdout).toContain('ANSWER=null');
  });
});
