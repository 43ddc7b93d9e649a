/**
 * Which frames may call the main process: only the top frame of crashdeck's own page — the
 * packaged renderer on `crashdeck://app` (app-protocol.ts), or the Vite dev server's origin
 * under `electron-forge start`. Anything else (an iframe, a page reached by a navigation that
 * slipped through, a file:// page) is refused before its payload is looked at.
 */

/** The parts of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Where the app's page comes from. */
export interface AppPage {
  /** The dev server URL (development), or undefined. */
  devServerUrl?: string | undefined;
  /** The packaged page's origin, e.g. `crashdeck://app`. */
  appOrigin: string;
}

/** scheme://host of a URL; custom schemes have an opaque URL.origin, so it is built by hand. */
function originOf(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/** A predicate accepting only the app's own top frame. */
export function createSenderCheck(page: AppPage): (frame: SenderFrame | null | undefined) => boolean {
  const allowed = page.devServerUrl ? originOf(new URL(page.devServerUrl)) : page.appOrigin;
  return (frame) => {
    if (!frame || frame.parent !== null) return false;
    try {
      const u = new URL(frame.url);
      return u.username === '' && u.password === '' && originOf(u) === allowed;
    } catch {
      return false;
    }
  };
}
