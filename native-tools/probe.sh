#!/bin/sh
# crashdeck probe: what an analysis host offers, run there (locally or over SSH, optionally via
# `sudo -n`). POSIX sh plus coreutils/busybox (stat -c, df -P, dd, tr, sed).
#
# usage: probe.sh [CRASH_DIR (default /var/crash)] [CRASH_BINARY (default: crash on PATH)] [SYSROOT]
#   SYSROOT prefixes the debuginfo locations (a mounted image of the crashed system; tests).
#
# Output (machine-readable): a stream of NUL-terminated "key=value" tokens. File names can hold
# anything but NUL, so nothing is split on newlines. A token "dump=PATH" starts a dump record
# (its dump.* keys follow); "debuginfo=RELEASE" starts a release's vmlinux candidates
# ("vmlinux=PATH", "vmlinux.size=N" for each that exists).
#   probe.version  host.name  host.release  crash.path  crash.version  crash.dir
#   crash.dir.exists (yes|no)  sudo (yes|no|missing)  disk.free.bytes  disk.free.path
#   dump.layout (kdump-tools|rhel|file)  dump.size  dump.mtime (epoch s)  dump.dmesg
#   dump.release  dump.incomplete (yes when makedumpfile did not finish)

crashdir=${1:-/var/crash}
crashbin=${2:-}
sysroot=${3:-}
LC_ALL=C
export LC_ALL

out() { printf '%s=%s\000' "$1" "$2"; }

out probe.version 1
out host.name "$(uname -n 2>/dev/null)"
out host.release "$(uname -r 2>/dev/null)"

if [ -z "$crashbin" ]; then crashbin=$(command -v crash 2>/dev/null || true); fi
if [ -n "$crashbin" ] && [ -x "$crashbin" ]; then
	out crash.path "$crashbin"
	out crash.version "$("$crashbin" --version 2>/dev/null | sed -n 's/^crash \([0-9][^ ]*\).*/\1/p' | head -n 1)"
fi

if command -v sudo >/dev/null 2>&1; then
	if sudo -n true >/dev/null 2>&1; then out sudo yes; else out sudo no; fi
else
	out sudo missing
fi

out crash.dir "$crashdir"
if [ -d "$crashdir" ]; then out crash.dir.exists yes; else out crash.dir.exists no; fi

free=$(df -Pk -- "$crashdir" 2>/dev/null | sed -n '2p' | tr -s ' ' | cut -d ' ' -f 4)
if [ -n "$free" ]; then
	out disk.free.bytes "$((free * 1024))"
	out disk.free.path "$crashdir"
fi

# Kernel release from the dump itself: the kdump-compressed header carries utsname (release at
# byte 142); an ELF vmcore carries VMCOREINFO with OSRELEASE= near the start.
release_of() {
	sig=$(dd if="$1" bs=8 count=1 2>/dev/null | tr -cd 'A-Za-z')
	case $sig in
	KDUMP*) dd if="$1" bs=1 skip=142 count=65 2>/dev/null | tr -cd 'A-Za-z0-9._+~-' ;;
	ELF*) dd if="$1" bs=65536 count=32 2>/dev/null | tr -c '[:print:]' '\n' | sed -n 's/^OSRELEASE=//p' | head -n 1 | tr -cd 'A-Za-z0-9._+~-' ;;
	esac
}

releases=''
remember_release() {
	[ -n "$1" ] || return 0
	case " $releases " in *" $1 "*) ;; *) releases="$releases $1" ;; esac
}

emit_dump() { # path layout dmesg
	out dump "$1"
	out dump.layout "$2"
	set -- "$1" "$2" "$3" "$(stat -L -c '%s %Y' -- "$1" 2>/dev/null)"
	if [ -n "$4" ]; then
		out dump.size "${4% *}"
		out dump.mtime "${4#* }"
	fi
	if [ -n "$3" ] && [ -f "$3" ]; then out dump.dmesg "$3"; fi
	rel=$(release_of "$1")
	if [ -z "$rel" ] && [ -n "$3" ] && [ -r "$3" ]; then
		rel=$(sed -n 's/.*Linux version \([^ ]*\).*/\1/p' "$3" 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9._+~-')
	fi
	if [ -n "$rel" ]; then out dump.release "$rel"; fi
	remember_release "$rel"
}

if [ -d "$crashdir" ]; then
	for d in "$crashdir"/*/ "$crashdir"/.[!.]*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		# Debian/Ubuntu kdump-tools: STAMP/dump.STAMP + dmesg.STAMP
		for f in "$d"/dump.*; do
			[ -f "$f" ] || continue
			stamp=${f##*/dump.}
			emit_dump "$f" kdump-tools "$d/dmesg.$stamp"
		done
		# RHEL/Fedora kdump: <ip>-<date>/vmcore + vmcore-dmesg.txt
		if [ -f "$d/vmcore" ]; then emit_dump "$d/vmcore" rhel "$d/vmcore-dmesg.txt"; fi
		if [ -f "$d/vmcore-incomplete" ]; then
			emit_dump "$d/vmcore-incomplete" rhel "$d/vmcore-dmesg.txt"
			out dump.incomplete yes
		fi
	done
	# Loose dumps directly in the directory.
	for f in "$crashdir"/vmcore* "$crashdir"/dump.*; do
		[ -f "$f" ] || continue
		emit_dump "$f" file ''
	done
fi

remember_release "$(uname -r 2>/dev/null | tr -cd 'A-Za-z0-9._+~-')"
for rel in $releases; do
	out debuginfo "$rel"
	for v in "$sysroot/usr/lib/debug/boot/vmlinux-$rel" "$sysroot/usr/lib/debug/lib/modules/$rel/vmlinux" "$sysroot/boot/vmlinux-$rel" "$sysroot/lib/modules/$rel/build/vmlinux"; do
		if [ -f "$v" ]; then
			out vmlinux "$v"
			out vmlinux.size "$(stat -L -c '%s' -- "$v" 2>/dev/null)"
		fi
	done
done
exit 0
