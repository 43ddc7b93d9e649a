/**
 * The main window: hardened webPreferences, last run's size and place, shown once painted, and
 * loading either the Vite dev server (electron-forge start) or the packaged page on crashdeck://app.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { secureWebPreferences } from './security.ts';
import { fitToDisplays, loadWindowState, trackWindowState } from './window-state.ts';

/** What creating the window needs from Electron and the build. */
export interface MainWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  workAreas(): Rectangle[];
  statePath: string;
  preload: string;
  /** The page: the dev server, or crashdeck://app/index.html. */
  url: string;
}

/** Create, place and load the main window. */
export async function createMainWindow(deps: MainWindowDeps): Promise<BrowserWindow> {
  const state = fitToDisplays(await loadWindowState(deps.statePath), deps.workAreas());
  const win = new deps.BrowserWindow({
    ...state.bounds,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'crashdeck',
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(deps.preload),
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, deps.statePath);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(deps.url);
  return win;
}
