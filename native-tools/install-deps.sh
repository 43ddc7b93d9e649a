#!/usr/bin/env bash
# Installs the Debian packages crashdeck's tests and tools use: crash (bookworm's 8.0.2, the
# "too old" case), trace-cmd, linux-perf, OpenSSH (tests start a real sshd), Chromium (e2e),
# poppler-utils (PDF checks), makedumpfile (reads the kernel log out of a dump without vmlinux:
# `makedumpfile --dump-dmesg`, the verdict before crash is ready), python3-drgn (the drgn engine).
# Skips what is already there;
# needs root or sudo.
set -euo pipefail
pkgs=(crash makedumpfile trace-cmd linux-perf openssh-server openssh-client chromium poppler-utils util-linux sudo binutils)
pkgs+=(python3-drgn) # the drgn engine (electron/drgn/): the distribution's drgn for /usr/bin/python3 (bookworm: 0.0.22)
pkgs+=(gdb) # gdb-add-index: the gdb-indexed vmlinux copy that halves crash start-up (electron/crash/gdb-index.ts)
pkgs+=(debuginfod libarchive-tools) # symbols-by-build-id tests: a real debuginfod indexing .deb through bsdtar (debuginfod-find: remote fetches)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "install-deps: all present"; exit 0; }
as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
