#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: system packages, a crash new enough for
# today's kernels (native-tools/install-crash.sh: Debian trixie's 8.0.6 in a private prefix when
# the distribution's crash is older), drgn (native-tools/install-drgn.sh),
# npm dependencies (without Electron's binary download), the renderer build and the CLI bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1; then
  bash native-tools/install-deps.sh
else
  echo "setup: not a Debian system; install crash, trace-cmd, perf and chromium yourself" >&2
fi

# A crash that reads today's kernels (6.1 needs 8.0.4+, 6.9+ need 8.0.6+): the distribution's
# own when it is new enough, else Debian trixie's 8.0.6 in a private prefix, recorded in
# ~/.config/crashdeck/settings.json so `npm run serve` and the CLI use it. Elsewhere the script
# prints the package command; set-up goes on (crashdeck doctor says what is still missing).
if ! crash_path=$(bash native-tools/install-crash.sh); then
  echo "setup: no crash installed (see the message above); crashdeck doctor will say what is missing" >&2
else
  echo "setup: crash for crashdeck: $crash_path" >&2
fi

# drgn, the second engine (answers in about a second, reads kernels crash cannot): the
# distribution's python3-drgn when new enough, else Debian sid's 0.3.0 in a private prefix,
# recorded in settings.json. Optional: without it crash answers alone.
if ! drgn_python=$(bash native-tools/install-drgn.sh); then
  echo "setup: no drgn installed (see the message above); crash answers alone" >&2
else
  echo "setup: python3 with drgn for crashdeck: $drgn_python" >&2
fi

ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
npm run build:renderer
npm run build:cli
echo "setup: done. Start the browser UI with: npm run serve" >&2
