#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: system packages, crash 8.0.6 when the
# distribution's crash is older than the kernels it must read (and the fixtures are present),
# npm dependencies (without Electron's binary download), and the renderer build.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1; then
  bash native-tools/install-deps.sh
else
  echo "setup: not a Debian system; install crash, trace-cmd, perf and chromium yourself" >&2
fi

fixtures=${CRASHDECK_FIXTURES:-$(cd .. && pwd)/shared/fixtures}
if [ -x "$fixtures/install-crash.sh" ]; then
  echo "setup: installing crash 8.0.6 for the fixtures' 6.1 kernels" >&2
  crash806=$("$fixtures/install-crash.sh")
  # Name it in the settings (unless the user chose a crash already), so `npm run serve` uses it.
  settings=${XDG_CONFIG_HOME:-$HOME/.config}/crashdeck/settings.json
  if [ ! -f "$settings" ]; then
    mkdir -p "$(dirname "$settings")"
    printf '{ "crashPath": "%s" }\n' "$crash806" >"$settings"
    echo "setup: $settings now names $crash806" >&2
  fi
fi

ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
npm run build:renderer
echo "setup: done. Start the browser UI with: npm run serve" >&2
