/**
 * Remembering the window's size, position and maximised state between runs, and putting it back
 * only where a display still shows it (a laptop undocked from its second monitor).
 */
import type { Rectangle } from 'electron';
import { readJson, writeJson } from './json-file.ts';

/** The persisted state. */
export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

/** The default for a first run. */
export const defaultWindowState: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 860 }, maximized: false };

const minWidth = 640;
const minHeight = 480;

/**
 * A saved state as it can be shown now: sizes clamped to a sane minimum, and if no display's
 * work area holds at least 100x50 px of the window's title area, centred on the first display.
 */
export function fitToDisplays(state: WindowState, workAreas: Rectangle[]): WindowState {
  const b = { ...state.bounds, width: Math.max(minWidth, state.bounds.width), height: Math.max(minHeight, state.bounds.height) };
  const visible = workAreas.some((a) => overlap(b.x, b.x + b.width, a.x, a.x + a.width) >= 100 && overlap(b.y, b.y + 50, a.y, a.y + a.height) >= 50);
  if (visible || workAreas.length === 0) return { bounds: b, maximized: state.maximized };
  const a = workAreas[0]!;
  const width = Math.min(b.width, a.width);
  const height = Math.min(b.height, a.height);
  return { bounds: { x: a.x + Math.round((a.width - width) / 2), y: a.y + Math.round((a.height - height) / 2), width, height }, maximized: state.maximized };
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Load the saved state (the default when none or unreadable). */
export async function loadWindowState(file: string): Promise<WindowState> {
  const s = await readJson<Partial<WindowState>>(file, {});
  const b = s.bounds;
  const ok = b && [b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n));
  return ok ? { bounds: b, maximized: s.maximized === true } : defaultWindowState;
}

/** The parts of BrowserWindow tracking reads. */
export interface TrackedWindow {
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  on(event: 'resize' | 'move' | 'close' | 'maximize' | 'unmaximize', listener: () => void): unknown;
}

/** Save the window's state after it moves or resizes (debounced) and when it closes. */
export function trackWindowState(win: TrackedWindow, file: string, debounceMs = 500): { flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: WindowState | undefined;
  const capture = (): void => {
    last = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
  };
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (last) await writeJson(file, last);
  };
  const schedule = (): void => {
    capture();
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, schedule);
  win.on('close', () => {
    capture();
    void flush();
  });
  return { flush };
}
