/**
 * The desktop shell's own events (native menus, open dialogs, second launches, file
 * associations, the dump on the command line) turned into what the page does. In a browser
 * there is no `window.crashdeck` and nothing is wired.
 */
import type { CrashdeckBridge, DesktopEvents } from '../../electron/api/preload-api.ts';

/** A dump (or case bundle) to open, as AppState.open takes it. */
export interface DesktopOpenRequest {
  vmcore: string;
  vmlinux?: string;
  host?: string;
}

/** What the page offers the desktop events. */
export interface DesktopTarget {
  open(req: DesktopOpenRequest): Promise<void>;
  showView(view: string): void;
}

/** Subscribe `target` to the bridge's desktop events; returns the unsubscribe function. */
export function wireDesktopEvents(bridge: Pick<CrashdeckBridge, 'desktop'> | undefined, target: DesktopTarget): () => void {
  if (!bridge?.desktop) return () => {};
  const offOpen = bridge.desktop.on('open.paths', (e) => void openPaths(e, target));
  const offMenu = bridge.desktop.on('menu.command', (c) => {
    if (c.kind === 'show-view') target.showView(c.view);
    else if (c.kind === 'export-report') target.showView('report');
    else if (c.kind === 'open-remote') target.showView('overview');
  });
  return () => {
    offOpen();
    offMenu();
  };
}

/** Dumps and case bundles open in turn (the last one stays on screen); traces go to the Traces view. */
async function openPaths(e: DesktopEvents['open.paths'], target: DesktopTarget): Promise<void> {
  if (e.kind === 'trace') {
    target.showView('traces');
    return;
  }
  if (e.kind !== 'vmcore' && e.kind !== 'case') return;
  for (const vmcore of e.paths) {
    await target.open({ vmcore, ...(e.vmlinux ? { vmlinux: e.vmlinux } : {}), ...(e.host ? { host: e.host } : {}) });
  }
}

/** The part of a DOM drop event the handler reads (a real DragEvent fits). */
interface DropLike {
  preventDefault(): void;
  dataTransfer: { files: ArrayLike<File> } | null;
}

/**
 * Files dropped onto the desktop window open like File > Open: a `.crashcase` as a case, anything
 * else as a dump. The path comes from the preload bridge (a sandboxed page has no file paths).
 */
export function wireDrops(bridge: Pick<CrashdeckBridge, 'desktop'> | undefined, target: DesktopTarget, win: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>): () => void {
  if (!bridge?.desktop) return () => {};
  const over = (e: Event): void => e.preventDefault();
  const drop = (e: Event): void => {
    const d = e as unknown as DropLike;
    d.preventDefault();
    const files = Array.from(d.dataTransfer?.files ?? []);
    const paths = files.map((f) => bridge.desktop.pathForFile(f)).filter((p) => p !== '');
    void (async () => {
      for (const vmcore of paths) await target.open({ vmcore });
    })();
  };
  win.addEventListener('dragover', over);
  win.addEventListener('drop', drop);
  return () => {
    win.removeEventListener('dragover', over);
    win.removeEventListener('drop', drop);
  };
}
