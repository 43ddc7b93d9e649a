/** Renderer entry: pick the Api transport, open the cache, mount the shell. */
import { mount } from 'svelte';
import App from './App.svelte';
import { createApiClient } from './lib/api.ts';
import { AppState } from './lib/app-state.svelte.ts';
import { readBootData } from './lib/boot-data.ts';
import { CrashdeckDb } from './lib/db.ts';
import { wireDesktopEvents, wireDrops } from './lib/desktop-events.ts';
import type { CrashdeckBridge } from '../electron/api/preload-api.ts';
import { Theme } from './lib/theme.svelte.ts';
import './app.css';

function openDb(): CrashdeckDb | null {
  try {
    return typeof indexedDB === 'undefined' ? null : new CrashdeckDb();
  } catch {
    return null;
  }
}

const app = new AppState(createApiClient(), openDb(), readBootData(document));
const theme = new Theme();
mount(App, { target: document.getElementById('app')!, props: { app, theme } });
void app.init();
// The desktop app's menus, dialogs and command-line paths (nothing in a browser).
const bridge = (globalThis as { crashdeck?: CrashdeckBridge }).crashdeck;
const desktopTarget = {
  open: (req: { vmcore: string; vmlinux?: string; host?: string }) => app.open(req),
  showView: (view: string) => {
    location.hash = `#/${view}`;
  },
};
wireDesktopEvents(bridge, desktopTarget);
wireDrops(bridge, desktopTarget, window);
