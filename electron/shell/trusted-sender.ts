/**
 * Which frames may call the main process: only the top frame of crashdeck's own page — the
 * packaged renderer's index.html over file://, or the Vite dev server's origin under
 * `electron-forge start`. Anything else (an iframe, a page reached by a navigation that slipped
 * through) is refused before its payload is looked at.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Where the app's page comes from. */
export interface AppPage {
  /** The dev server URL (development), or undefined. */
  devServerUrl?: string | undefined;
  /** Absolute path of the packaged renderer's index.html. */
  indexHtml: string;
}

/** A predicate accepting only the app's own top frame. */
export function createSenderCheck(page: AppPage): (frame: SenderFrame | null | undefined) => boolean {
  const devOrigin = page.devServerUrl ? new URL(page.devServerUrl).origin : null;
  const index = path.resolve(page.indexHtml);
  return (frame) => {
    if (!frame || frame.parent !== null) return false;
    let u: URL;
    try {
      u = new URL(frame.url);
    } catch {
      return false;
    }
    if (devOrigin !== null) return u.origin === devOrigin;
    if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
    try {
      return path.resolve(fileURLToPath(new URL(u.pathname, 'file://'))) === index;
    } catch {
      return false;
    }
  };
}
