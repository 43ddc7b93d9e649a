/** The system Chromium and its flags, shared by the config and tests that launch their own. */

/** Flags for a quiet, sandbox-less CI container (no GPU, no network chatter). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system Chromium (Playwright's own browsers are not downloaded). */
export const chromiumPath = process.env.CRASHDECK_CHROMIUM ?? '/usr/bin/chromium';
