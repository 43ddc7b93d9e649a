/**
 * The IPC client over the preload bridge's shape (electron/api/preload-api.ts): one function per
 * method answering IpcReply envelopes. Electron cannot run here, so the bridge is a plain object
 * with that shape; what is checked is the client's own mapping.
 */
import { describe, expect, it } from 'vitest';
import type { CrashdeckBridge } from '../../../electron/api/preload-api.ts';
import { ApiClientError, createIpcClient } from '../../../renderer/lib/api.ts';

function bridge(api: Record<string, (p: unknown) => Promise<unknown>>, listeners: Map<string, (p: unknown) => void> = new Map()): CrashdeckBridge {
  return {
    kind: 'electron',
    api,
    on: (event: string, l: (p: unknown) => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
  } as unknown as CrashdeckBridge;
}

describe('createIpcClient', () => {
  it('returns the result of an ok envelope', async () => {
    const api = createIpcClient(bridge({ 'session.list': async () => ({ ok: true, result: [] }) }));
    await expect(api.call('session.list', {})).resolves.toEqual([]);
  });

  it('keeps code, message and hint of an error envelope', async () => {
    const api = createIpcClient(
      bridge({ 'session.open': async () => ({ ok: false, error: { code: 'crash-missing', message: 'crash not found', hint: 'apt install crash' } }) }),
    );
    const err = (await api.call('session.open', { vmcore: '/v' }).catch((e: unknown) => e)) as ApiClientError;
    expect(err).toBeInstanceOf(ApiClientError);
    expect(err.toShape()).toEqual({ code: 'crash-missing', message: 'crash not found', hint: 'apt install crash' });
  });

  it('turns a rejected bridge call into an ApiClientError with the message', async () => {
    const api = createIpcClient(bridge({ 'session.list': async () => Promise.reject(new Error('renderer is not allowed')) }));
    const err = (await api.call('session.list', {}).catch((e: unknown) => e)) as ApiClientError;
    expect(err).toBeInstanceOf(ApiClientError);
    expect(err.message).toBe('renderer is not allowed');
  });

  it('passes events through and unsubscribes', () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const api = createIpcClient(bridge({}, listeners));
    const got: unknown[] = [];
    const off = api.on('command.progress', (p) => got.push(p.elapsedMs));
    listeners.get('command.progress')!({ sessionId: 's', command: 'kmem -i', elapsedMs: 900 });
    off();
    expect(got).toEqual([900]);
    expect(listeners.has('command.progress')).toBe(false);
  });
});
