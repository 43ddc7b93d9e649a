/**
 * electron/preload.ts against a fake `electron`: what the sandboxed page gets as
 * `window.crashdeck` — one named function per contract method, event subscriptions that pass
 * payloads only, and nothing that reaches ipcRenderer or arbitrary channels.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { events, methods } from '../../../electron/api/contract.ts';
import type { CrashdeckBridge } from '../../../electron/api/preload-api.ts';
import { createElectronMock, type ElectronMock } from './electron-mock.ts';

let el: ElectronMock;
let bridge: CrashdeckBridge;

beforeEach(async () => {
  vi.resetModules();
  el = createElectronMock({ userData: mkdtempSync(path.join(tmpdir(), 'crashdeck-preload-')) });
  vi.doMock('electron', () => el.module);
  await import('../../../electron/preload.ts');
  bridge = el.exposed.get('crashdeck') as CrashdeckBridge;
});

/** Every value reachable from `root` (functions and objects), to look for leaked Electron objects. */
function reachable(root: unknown): unknown[] {
  const seen = new Set<unknown>();
  const walk = (x: unknown): void => {
    if ((typeof x !== 'object' && typeof x !== 'function') || x === null || seen.has(x)) return;
    seen.add(x);
    for (const k of Object.keys(x as object)) walk((x as Record<string, unknown>)[k]);
  };
  walk(root);
  return [...seen];
}

describe('preload bridge', () => {
  it('exposes only window.crashdeck, with one function per contract method', () => {
    expect([...el.exposed.keys()]).toEqual(['crashdeck']);
    expect(bridge.kind).toBe('electron');
    expect(Object.keys(bridge.api).sort()).toEqual(Object.keys(methods).sort());
    for (const fn of Object.values(bridge.api)) expect(typeof fn).toBe('function');
  });

  it('each method invokes its own channel with the params and returns the reply envelope', async () => {
    const reply = await bridge.api['session.open']({ vmcore: '/var/crash/x/dump.x', vmlinux: '/v' });
    expect(el.ipcRenderer.invoke).toHaveBeenCalledWith('crashdeck:call:session.open', { vmcore: '/var/crash/x/dump.x', vmlinux: '/v' });
    expect(reply).toEqual({ channel: 'crashdeck:call:session.open', args: [{ vmcore: '/var/crash/x/dump.x', vmlinux: '/v' }] });
  });

  it('never hands out ipcRenderer, its methods, or a generic send', () => {
    const all = reachable(bridge);
    for (const leaked of [el.ipcRenderer, el.ipcRenderer.invoke, el.ipcRenderer.send, el.ipcRenderer.on]) expect(all).not.toContain(leaked);
    expect(Object.keys(bridge)).not.toContain('invoke');
    expect(Object.keys(bridge)).not.toContain('send');
  });

  it('subscribes to contract events, passes the payload only, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = bridge.on('command.progress', (p) => got.push(p));
    const listeners = el.rendererListeners.get('crashdeck:event:command.progress')!;
    expect(listeners.size).toBe(1);
    const senderEvent = { sender: el.ipcRenderer, senderId: 0 };
    for (const l of listeners) l(senderEvent, { sessionId: 's', command: 'kmem -i', elapsedMs: 3 });
    expect(got).toEqual([{ sessionId: 's', command: 'kmem -i', elapsedMs: 3 }]);
    off();
    expect(listeners.size).toBe(0);
    expect(Object.keys(events)).toContain('command.progress');
  });

  it('refuses to subscribe to channels outside the contract', () => {
    expect(() => bridge.on('crashdeck:call:session.open' as never, () => undefined)).toThrow(/unknown event/);
    expect(() => bridge.desktop.on('ipc-message' as never, () => undefined)).toThrow(/unknown desktop event/);
    expect(el.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('desktop requests use their fixed channels and typed payloads', async () => {
    await bridge.desktop.openDialog('vmlinux');
    await bridge.desktop.storeSecret('ssh:key', 'pw');
    await bridge.desktop.forgetSecret('ssh:key');
    await bridge.desktop.recentDumps();
    expect(el.ipcRenderer.invoke.mock.calls).toEqual([
      ['crashdeck:desktop:openDialog', 'vmlinux'],
      ['crashdeck:desktop:storeSecret', { id: 'ssh:key', secret: 'pw' }],
      ['crashdeck:desktop:forgetSecret', { id: 'ssh:key' }],
      ['crashdeck:desktop:recentDumps'],
    ]);
    expect(bridge.desktop.pathForFile({ fakePath: '/var/crash/1/dump.1' } as unknown as File)).toBe('/var/crash/1/dump.1');
  });
});
