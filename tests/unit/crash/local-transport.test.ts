/** LocalTransport: what CrashSession relies on from the process and file layer. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport, SpawnError } from '../../../electron/transport/local.ts';

const t = new LocalTransport();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-local-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalTransport', () => {
  it('reports a missing program as SpawnError ENOENT (spawn and exec)', async () => {
    await expect(t.spawn({ command: path.join(dir, 'nope'), args: [] })).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(t.exec({ command: path.join(dir, 'nope'), args: [] })).rejects.toBeInstanceOf(SpawnError);
  });

  it('passes argv without a shell: metacharacters arrive literally', async () => {
    const r = await t.exec({ command: 'printf', args: ['%s|', '$(id)', '; rm -rf /', '`x`'] });
    expect(r.stdout).toBe('$(id)|; rm -rf /|`x`|');
    expect(r.code).toBe(0);
  });

  it('streams stdout and stderr, takes stdin, and reports the exit after all output', async () => {
    const p = await t.spawn({ command: 'sh', args: ['-c', 'while read l; do echo "out:$l"; echo "err:$l" >&2; done; exit 3'] });
    let out = '';
    let err = '';
    p.onStdout((c) => (out += c));
    p.onStderr((c) => (err += c));
    const exit = new Promise<{ code: number | null }>((resolve) => p.onExit(resolve));
    p.write('a\nb\n');
    p.closeStdin();
    expect((await exit).code).toBe(3);
    expect(out).toBe('out:a\nout:b\n');
    expect(err).toBe('err:a\nerr:b\n');
    // A listener registered after the exit still hears about it, and writing is harmless.
    expect(await new Promise((resolve) => p.onExit(resolve))).toMatchObject({ code: 3 });
    p.write('ignored\n');
  });

  it('kills on request and reports the signal', async () => {
    const p = await t.spawn({ command: 'sleep', args: ['30'] });
    const exit = new Promise<{ signal: string | null }>((resolve) => p.onExit(resolve));
    p.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
  });

  it('bounds exec by time and by size', async () => {
    const slow = await t.exec({ command: 'sleep', args: ['30'] }, { timeoutMs: 100 });
    expect(slow.signal).toBe('SIGKILL');
    const big = await t.exec({ command: 'head', args: ['-c', '100000', '/dev/zero'] }, { maxBytes: 1000 });
    expect(big.stdout.length).toBe(1000);
  });

  it('stats, reads ranges and lists directories without throwing for missing paths', async () => {
    const f = path.join(dir, 'f');
    writeFileSync(f, '0123456789');
    expect(await t.stat(f)).toMatchObject({ size: 10, isFile: true, isDirectory: false });
    expect(await t.stat(path.join(dir, 'missing'))).toBeNull();
    expect((await t.readRange(f, 3, 4)).toString()).toBe('3456');
    expect((await t.readRange(f, 8, 100)).toString()).toBe('89');
    expect(await t.listDir(dir)).toEqual(['f']);
    expect(await t.listDir(path.join(dir, 'missing'))).toBeNull();
  });
});
