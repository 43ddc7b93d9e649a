#!/usr/bin/env bash
# crashdeck's own installer of a crash that can read today's kernels, for Debian and Ubuntu
# machines whose distribution crash is too old (bookworm ships 8.0.2: it misreads Debian's 6.1
# kernels and cannot open 6.12 dumps at all; see electron/crash/crash-requirements.ts).
#
# What it does, changing nothing system-wide:
#   - reads Debian's newer suite (trixie for crash 8.0.6, the default; sid for 9.0.2) through a
#     PRIVATE apt source list, state, status and cache (no /etc/apt, /var/lib/apt or dpkg change),
#   - `apt-get download`s crash and the libraries it links (followed from the packages' Depends),
#   - unpacks them with `dpkg-deb -x` into a private prefix with their own loader and C/C++
#     runtime, and writes a `bin/crash` wrapper that runs crash with that loader,
#   - records the wrapper as `crashPath` in crashdeck's settings.json (atomic write, other keys
#     kept) and prints its path on stdout (progress goes to stderr).
# A second run finds the recorded crash and returns at once without writing anything.
# On other distributions it prints the package manager's command and exits 1.
#
# Usage: install-crash.sh [8.0.6|9.0.2]
# Env:   CRASHDECK_CRASH_PREFIX   install root (default ${XDG_DATA_HOME:-~/.local/share}/crashdeck)
#        CRASHDECK_DEBIAN_MIRROR  Debian mirror (default: the one in the apt sources, else deb.debian.org)
#        XDG_CONFIG_HOME / HOME   where settings.json lives (crashdeck/settings.json)
#        CRASHDECK_OS_RELEASE     the os-release file naming the distribution (default /etc/os-release)
set -euo pipefail

say() { echo "install-crash: $*" >&2; }

want=${1:-8.0.6}
case "$want" in
  8.0.6) suite=trixie ;;
  9.0.2) suite=sid ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) say "usage: install-crash.sh [8.0.6|9.0.2] (8.0.6: Debian trixie's crash; 9.0.2: Debian sid's)"; exit 2 ;;
esac

home=${HOME:-$(cd ~ && pwd)}
settings=${XDG_CONFIG_HOME:-$home/.config}/crashdeck/settings.json
root_dir=${CRASHDECK_CRASH_PREFIX:-${XDG_DATA_HOME:-$home/.local/share}/crashdeck}
prefix=$root_dir/crash-$want
wrapper=$prefix/bin/crash

# "8.0.6" from `crash --version`, empty when it does not run.
version_of() { "$1" --version 2>/dev/null | sed -n 's/^crash \([0-9][0-9.]*\).*/\1/p' | head -n 1; }
# Whether version $1 >= $2.
at_least() { [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# settings.json's crashPath, empty when there is none (no JSON parser needed to read one key).
recorded_crash() {
  [ -r "$settings" ] || return 0
  sed -n 's/.*"crashPath"[[:space:]]*:[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p' "$settings" | head -n 1 | sed 's/\\\(.\)/\1/g'
}

# Write crashPath into settings.json atomically, keeping every other key; unchanged -> no write.
record_crash() {
  local path=$1
  if command -v node >/dev/null 2>&1; then
    SETTINGS="$settings" CRASH="$path" node -e '
      const fs = require("fs"), p = require("path");
      const file = process.env.SETTINGS, crash = process.env.CRASH;
      let data = {};
      if (fs.existsSync(file)) {
        try { data = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) {
          console.error(`install-crash: ${file} is not valid JSON (${e.message}); not changing it. Set "crashPath": ${JSON.stringify(crash)} there yourself.`);
          process.exit(3);
        }
        if (typeof data !== "object" || data === null || Array.isArray(data)) {
          console.error(`install-crash: ${file} does not hold a JSON object; not changing it.`);
          process.exit(3);
        }
      }
      if (data.crashPath === crash) process.exit(0);
      data.crashPath = crash;
      fs.mkdirSync(p.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
      fs.renameSync(tmp, file);
      console.error(`install-crash: ${file} now names ${crash}`);
    ' || say "settings not updated; run crashdeck with --crash $path (or CRASHDECK_CRASH=$path)"
  else
    say "node not found: settings.json not updated; run crashdeck with --crash $path (or CRASHDECK_CRASH=$path)"
  fi
}

done_with() {
  [ "$(recorded_crash)" = "$1" ] || record_crash "$1"
  echo "$1"
  exit 0
}

# Already there: the recorded crash, this prefix's wrapper, or the system's own, if new enough.
recorded=$(recorded_crash)
if [ -n "$recorded" ] && [ -x "$recorded" ] && at_least "$(version_of "$recorded")" "$want"; then echo "$recorded"; exit 0; fi
if [ -x "$wrapper" ] && at_least "$(version_of "$wrapper")" "$want"; then done_with "$wrapper"; fi
system=$(command -v crash 2>/dev/null || true)
if [ -n "$system" ] && at_least "$(version_of "$system")" "$want"; then
  say "the system's crash ($system, $(version_of "$system")) is new enough"
  done_with "$system"
fi

# Which distribution.
os_id='' os_like=''
os_release=${CRASHDECK_OS_RELEASE:-/etc/os-release}
if [ -r "$os_release" ]; then
  os_id=$(. "$os_release" && echo "${ID:-}")
  os_like=$(. "$os_release" && echo "${ID_LIKE:-}")
fi
case " $os_id $os_like " in
  *" debian "*|*" ubuntu "*) ;;
  *)
    case " $os_id $os_like " in
      *" fedora "*|*" rhel "*|*" centos "*) cmd='sudo dnf install crash' ;;
      *" suse "*|*" opensuse "*|*" sles "*) cmd='sudo zypper install crash' ;;
      *" arch "*) cmd='sudo pacman -S crash' ;;
      *) cmd='' ;;
    esac
    if [ -n "$cmd" ]; then
      say "not a Debian/Ubuntu system (${os_id:-unknown}): install your distribution's crash with: $cmd"
    else
      say "not a Debian/Ubuntu system (${os_id:-unknown}): install crash $want or newer with your package manager, or build it from https://github.com/crash-utility/crash"
    fi
    say "then check it with: crash --version (kernels 6.9+ need 8.0.6 or newer); tell crashdeck with --crash PATH if it is not on PATH"
    exit 1
    ;;
esac
for tool in apt-get dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool not found (Debian/Ubuntu without apt?)"; exit 1; }
done

# Debian's archive: the mirror this machine already uses, else deb.debian.org. Ubuntu reads
# Debian's archive too (the prefix brings its own loader and libraries, so Debian's build runs
# there), verified with Debian's keyring (package debian-archive-keyring).
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=${CRASHDECK_DEBIAN_MIRROR:-}
if [ -z "$mirror" ] && [ "$os_id" = debian ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -n -E 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' |
    tr ' ' '\n' | grep -E '^https?://' | sed 's#/*$##' | grep -v -- '-security' | grep -m1 '/debian$' || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
signed=''
if [ -r "$keyring" ]; then
  signed="[signed-by=$keyring] "
elif [ "$os_id" != debian ]; then
  say "Debian's archive keyring is missing; install it first: sudo apt-get install debian-archive-keyring"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
: > "$work/status"
echo "deb ${signed}$mirror $suite main" > "$work/sources.list"
# Everything apt reads or writes is private: sources, lists, the dpkg status it resolves
# against (empty, so installed packages never stand in for the suite's), cache, preferences.
apt_opts=(-o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$work/lists" -o Dir::State::status="$work/status"
          -o Dir::Cache="$work/cache" -o Dir::Etc::Preferences=/dev/null
          -o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User="$(id -un)"
          -o Debug::NoLocking=1)
say "reading Debian $suite's package lists from $mirror (private apt state in $work)"
apt-get "${apt_opts[@]}" -q update >&2

# crash plus the shared libraries it needs: follow Depends/Pre-Depends through library packages
# (names lib* and zlib1g), first alternative of each, at most 60 packages.
declare -A seen=()
queue=(crash)
while [ ${#queue[@]} -gt 0 ]; do
  pkg=${queue[0]}
  queue=("${queue[@]:1}")
  [ -z "${seen[$pkg]:-}" ] || continue
  seen[$pkg]=1
  [ ${#seen[@]} -le 60 ] || { say "too many dependencies; giving up"; exit 1; }
  (cd "$work/debs" && apt-get "${apt_opts[@]}" -q download "$pkg" >&2) || { say "could not download $pkg from $suite"; exit 1; }
  deb=$(ls -t "$work/debs/${pkg}_"*.deb | head -n 1)
  deps=$(dpkg-deb -f "$deb" Pre-Depends Depends | sed -n 's/^[A-Za-z-]*: //p' | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/:any//; s/[[:space:]]//g')
  for d in $deps; do
    case "$d" in lib*|zlib1g) [ -n "${seen[$d]:-}" ] || queue+=("$d") ;; esac
  done
done
say "downloaded: ${!seen[*]}"

# Unpack into a fresh directory beside the prefix, then swap it in (a failed run leaves the old one).
mkdir -p "$root_dir"
stage=$(mktemp -d "$root_dir/.crash-$want.XXXXXX")
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$stage/root"; done
loader=$(find "$stage/root" -name 'ld-linux*.so*' -type f | head -n 1)
[ -n "$loader" ] || { rm -rf "$stage"; say "no dynamic loader in the downloaded libc6"; exit 1; }
triplet=$(basename "$(dirname "$loader")")
libs=()
for d in usr/lib/$triplet lib/$triplet usr/lib lib; do [ -d "$stage/root/$d" ] && libs+=("$prefix/root/$d"); done
libpath=$(IFS=:; echo "${libs[*]}")
loader=${loader#"$stage"/}
mkdir -p "$stage/bin"
cat > "$stage/bin/crash" <<EOF
#!/bin/sh
# crash from Debian $suite, run with that suite's own loader and libraries (install-crash.sh).
exec "$prefix/$loader" --library-path "$libpath" "$prefix/root/usr/bin/crash" "\$@"
EOF
chmod 0755 "$stage/bin/crash"
rm -rf "$prefix.old"
[ ! -e "$prefix" ] || mv "$prefix" "$prefix.old"
mv "$stage" "$prefix"
rm -rf "$prefix.old"

got=$(version_of "$wrapper")
if ! at_least "$got" "$want"; then
  say "the installed crash does not run as expected (crash --version said '${got:-nothing}')"
  "$wrapper" --version >&2 || true
  exit 1
fi
say "crash $got ready in $prefix"
done_with "$wrapper"
