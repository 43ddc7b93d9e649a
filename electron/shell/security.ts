/**
 * The Electron security checklist as code: locked-down webPreferences, a session that denies
 * every permission and adds the CSP header, and web contents that never open windows, never
 * navigate, and hand only http/https links to the system browser.
 */
import type { Session, WebContents, WebPreferences } from 'electron';

/** webPreferences for every crashdeck window (checklist items 2-4, 6, 9, 11). */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** True for URLs the system browser may open: http and https only, never file:, smb:, etc. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The one permission the page may use: writing (sanitised) text to the clipboard, for Copy buttons. */
export const allowedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Deny every permission request and check except `allowedPermissions` for the app's own page
 * (`isAppUrl`), and put `csp` on every HTTP response (the dev server; the packaged page's scheme
 * handler sets it itself).
 */
export function hardenSession(session: Session, csp: string, isAppUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowedPermissions.has(permission) && isAppUrl(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowedPermissions.has(permission) && isAppUrl(requestingOrigin));
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    // The policy is computed (crashdeckCsp), so electronegativity cannot parse it; tests assert it.
    headers['Content-Security-Policy'] = [csp]; // eng-disable CSP_GLOBAL_CHECK
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}

/** What hardened web contents may do with a link the user clicked. */
export interface ExternalOpener {
  openExternal(url: string): Promise<void>;
}

/**
 * No new windows (window.open, target=_blank), no navigation away from the loaded page, no
 * <webview>: safe links go to the system browser instead.
 */
export function hardenWebContents(contents: WebContents, opener: ExternalOpener): void {
  const sendOut = (url: string): void => {
    // Only http/https reach openExternal (isSafeExternalUrl; main.test.ts proves it).
    if (isSafeExternalUrl(url)) void opener.openExternal(url).catch(() => undefined); // eng-disable OPEN_EXTERNAL_JS_CHECK
  };
  contents.setWindowOpenHandler(({ url }) => {
    sendOut(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    sendOut(url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
