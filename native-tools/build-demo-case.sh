#!/usr/bin/env bash
# Rebuild resources/demo/oom-slab-leak.crashcase (with the notes in oom-slab-leak.notes.json)
# through crashdeck's own export from the
# oom-slab-leak fixture (real crash 8.0.6 + the debug vmlinux). `npm run build:demo`.
# Needs the fixtures (CRASHDECK_FIXTURES, default ../shared/fixtures) and their install-crash.sh /
# fetch-vmlinux.sh (they cache crash 8.0.6 and the vmlinux under ~/.cache/vmcore-fixtures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${CRASHDECK_FIXTURES:-$root/../shared/fixtures}
crash=${CRASHDECK_TEST_CRASH:-$("$fixtures/install-crash.sh")}
vmlinux=${CRASHDECK_TEST_VMLINUX:-$(cd "$fixtures" && ./fetch-vmlinux.sh oom-slab-leak)}
out=$root/resources/demo/oom-slab-leak.crashcase
mkdir -p "$(dirname "$out")"
node "$root/electron/bin/crashdeck.mjs" report "$fixtures/oom-slab-leak/vmcore" \
  --vmlinux "$vmlinux" --crash "$crash" --notes "$root/resources/demo/oom-slab-leak.notes.json" \
  --trace "$fixtures/oom-slab-leak/trace-report.txt" \
  --format case -o "$out.tmp"
mv "$out.tmp" "$out"
ls -l "$out"
