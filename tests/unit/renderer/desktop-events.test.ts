/**
 * What the page does with the desktop shell's events: a dump or case chosen in a native dialog,
 * passed on the command line or by a second launch opens; menu items switch views. Driven
 * through an object of the preload bridge's shape (Electron itself cannot run here).
 */
import { describe, expect, it } from 'vitest';
import type { DesktopEventName, DesktopEvents } from '../../../electron/api/preload-api.ts';
import { wireDesktopEvents, wireDrops, type DesktopOpenRequest } from '../../../renderer/lib/desktop-events.ts';

function fakeBridge() {
  const listeners = new Map<string, (p: unknown) => void>();
  const bridge = {
    desktop: {
      on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEvents[E]) => void) {
        listeners.set(event, listener as (p: unknown) => void);
        return () => listeners.delete(event);
      },
    },
  };
  const emit = <E extends DesktopEventName>(event: E, payload: DesktopEvents[E]) => listeners.get(event)?.(payload);
  return { bridge: bridge as never, emit, listeners };
}

function recorder() {
  const opened: DesktopOpenRequest[] = [];
  const views: string[] = [];
  return { opened, views, target: { open: async (r: DesktopOpenRequest) => void opened.push(r), showView: (v: string) => void views.push(v) } };
}

describe('desktop events in the page', () => {
  it('opens each dump from open.paths with its vmlinux and host, and case bundles too', async () => {
    const { bridge, emit } = fakeBridge();
    const r = recorder();
    wireDesktopEvents(bridge, r.target);
    emit('open.paths', { kind: 'vmcore', paths: ['/var/crash/a/dump.a'], vmlinux: '/usr/lib/debug/boot/vmlinux-x', host: 'ssh://me@box:22' });
    emit('open.paths', { kind: 'case', paths: ['/home/me/incident.crashcase'] });
    await new Promise((res) => setTimeout(res, 0));
    expect(r.opened).toEqual([
      { vmcore: '/var/crash/a/dump.a', vmlinux: '/usr/lib/debug/boot/vmlinux-x', host: 'ssh://me@box:22' },
      { vmcore: '/home/me/incident.crashcase' },
    ]);
  });

  it('switches views from the menu and sends traces to the Traces view', () => {
    const { bridge, emit } = fakeBridge();
    const r = recorder();
    wireDesktopEvents(bridge, r.target);
    emit('menu.command', { kind: 'show-view', view: 'slab' });
    emit('menu.command', { kind: 'export-report' });
    emit('open.paths', { kind: 'trace', paths: ['/tmp/trace.dat'] });
    expect(r.views).toEqual(['slab', 'report', 'traces']);
    expect(r.opened).toEqual([]);
  });

  it('does nothing in a browser and unsubscribes on request', () => {
    const r = recorder();
    expect(() => wireDesktopEvents(undefined, r.target)()).not.toThrow();
    const { bridge, listeners } = fakeBridge();
    const off = wireDesktopEvents(bridge, r.target);
    expect(listeners.size).toBe(2);
    off();
    expect(listeners.size).toBe(0);
  });
});

describe('files dropped onto the desktop window', () => {
  function dropEvent(files: File[]): Event {
    const e = new Event('drop', { cancelable: true });
    Object.defineProperty(e, 'dataTransfer', { value: { files } });
    return e;
  }

  it('open by the path the bridge gives, and files without a path are ignored', async () => {
    const paths = new Map<string, string>([['dump.202611260456', '/var/crash/202611260456/dump.202611260456'], ['x.crashcase', '/home/me/x.crashcase']]);
    const bridge = { desktop: { pathForFile: (f: File) => paths.get(f.name) ?? '' } } as never;
    const r = recorder();
    const win = new EventTarget();
    wireDrops(bridge, r.target, win);
    const e = dropEvent([new File(['x'], 'dump.202611260456'), new File(['y'], 'pasted.txt'), new File(['z'], 'x.crashcase')]);
    win.dispatchEvent(e);
    await new Promise((res) => setTimeout(res, 0));
    expect(e.defaultPrevented).toBe(true);
    expect(r.opened).toEqual([{ vmcore: '/var/crash/202611260456/dump.202611260456' }, { vmcore: '/home/me/x.crashcase' }]);
  });

  it('are left alone in a browser (no bridge)', () => {
    const r = recorder();
    const win = new EventTarget();
    wireDrops(undefined, r.target, win);
    const e = dropEvent([new File(['x'], 'dump')]);
    win.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(false);
    expect(r.opened).toEqual([]);
  });
});
