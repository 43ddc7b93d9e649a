#!/usr/bin/env bash
# crashdeck's installer of drgn (the programmable kernel debugger crashdeck's second engine runs
# on), for Debian and Ubuntu machines. Prints on stdout the python3 that imports a drgn new
# enough, and records it as `drgnPython` in crashdeck's settings.json (progress goes to stderr).
#
# Which drgn reads which kernel is measured on the fixtures (electron/drgn/drgn-requirements.ts):
# bookworm's 0.0.22 reads 6.1 and 6.12 (7.x too, but without module function names); trixie's
# 0.0.31 names module frames but cannot unwind 7.x stacks; sid's 0.3.0 reads all of them.
#
# What it does, changing nothing system-wide:
#   - uses the distribution's drgn (`python3 -c 'import drgn'`) when it is new enough,
#   - else reads Debian's newer suite (trixie for 0.0.31, sid for 0.3.0, the default) through a
#     PRIVATE apt source list, state, status and cache (no /etc/apt, /var/lib/apt or dpkg change),
#   - `apt-get download`s python3-drgn with the suite's own python3.X interpreter and standard
#     library (a drgn built for python 3.13/3.14 does not load into another python) and the
#     shared libraries they link (followed from the packages' Depends),
#   - unpacks them with `dpkg-deb -x` into a private prefix with their own loader and C runtime,
#     and writes a `bin/python3` wrapper that runs that interpreter with that loader,
#   - records the wrapper as `drgnPython` in settings.json (atomic write, other keys kept).
# A second run finds the recorded python3 and returns at once without writing anything.
# On other distributions it prints the package manager's command and exits 1.
#
# Usage: install-drgn.sh [--no-record] [0.0.22|0.0.31|0.3.0]   (the minimum drgn; default 0.3.0)
# Env:   CRASHDECK_DRGN_PREFIX    install root (default ${XDG_DATA_HOME:-~/.local/share}/crashdeck)
#        CRASHDECK_DEBIAN_MIRROR  Debian mirror (default: the one in the apt sources, else deb.debian.org)
#        XDG_CONFIG_HOME / HOME   where settings.json lives (crashdeck/settings.json)
#        CRASHDECK_OS_RELEASE     the os-release file naming the distribution (default /etc/os-release)
set -euo pipefail

say() { echo "install-drgn: $*" >&2; }

record=1
want=0.3.0
for arg in "$@"; do
  case "$arg" in
    --no-record) record=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
    0.0.22|0.0.31|0.3.0) want=$arg ;;
    *) say "usage: install-drgn.sh [--no-record] [0.0.22|0.0.31|0.3.0]"; exit 2 ;;
  esac
done
case "$want" in
  0.0.22) suite=bookworm ;;
  0.0.31) suite=trixie ;;
  0.3.0) suite=sid ;;
esac

home=${HOME:-$(cd ~ && pwd)}
settings=${XDG_CONFIG_HOME:-$home/.config}/crashdeck/settings.json
root_dir=${CRASHDECK_DRGN_PREFIX:-${XDG_DATA_HOME:-$home/.local/share}/crashdeck}
prefix=$root_dir/drgn-$want
wrapper=$prefix/bin/python3

# drgn's version as the given python3 imports it ("0.0.31"), empty when it does not.
version_of() { { "$1" -c 'import drgn; print(drgn.__version__)' 2>/dev/null || true; } | sed -n 's/^\([0-9][0-9.]*\).*/\1/p' | head -n 1; }
# Whether version $1 >= $2.
at_least() { [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# settings.json's drgnPython, empty when there is none (no JSON parser needed to read one key).
recorded_python() {
  [ -r "$settings" ] || return 0
  sed -n 's/.*"drgnPython"[[:space:]]*:[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p' "$settings" | head -n 1 | sed 's/\\\(.\)/\1/g'
}

# Write drgnPython into settings.json atomically, keeping every other key; unchanged -> no write.
record_python() {
  local path=$1
  if command -v node >/dev/null 2>&1; then
    SETTINGS="$settings" PY="$path" node -e '
      const fs = require("fs"), p = require("path");
      const file = process.env.SETTINGS, py = process.env.PY;
      let data = {};
      if (fs.existsSync(file)) {
        try { data = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) {
          console.error(`install-drgn: ${file} is not valid JSON (${e.message}); not changing it. Set "drgnPython": ${JSON.stringify(py)} there yourself.`);
          process.exit(3);
        }
        if (typeof data !== "object" || data === null || Array.isArray(data)) {
          console.error(`install-drgn: ${file} does not hold a JSON object; not changing it.`);
          process.exit(3);
        }
      }
      if (data.drgnPython === py) process.exit(0);
      data.drgnPython = py;
      fs.mkdirSync(p.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
      fs.renameSync(tmp, file);
      console.error(`install-drgn: ${file} now names ${py}`);
    ' || say "settings not updated; run crashdeck with CRASHDECK_DRGN_PYTHON=$path"
  else
    say "node not found: settings.json not updated; run crashdeck with CRASHDECK_DRGN_PYTHON=$path"
  fi
}

done_with() {
  if [ "$record" = 1 ] && [ "$(recorded_python)" != "$1" ]; then record_python "$1"; fi
  echo "$1"
  exit 0
}

# Already there: the recorded python3, this prefix's wrapper, or the system's own drgn, if new enough.
recorded=$(recorded_python)
if [ "$record" = 1 ] && [ -n "$recorded" ] && [ -x "$recorded" ] && at_least "$(version_of "$recorded")" "$want"; then echo "$recorded"; exit 0; fi
if [ -x "$wrapper" ] && at_least "$(version_of "$wrapper")" "$want"; then done_with "$wrapper"; fi
for py in /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
  [ -n "$py" ] && [ -x "$py" ] || continue
  got=$(version_of "$py")
  if at_least "$got" "$want"; then
    say "the system's drgn ($py, drgn $got) is new enough"
    done_with "$py"
  fi
done

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
      *" fedora "*|*" rhel "*|*" centos "*) cmd='sudo dnf install python3-drgn' ;;
      *" suse "*|*" opensuse "*|*" sles "*) cmd='sudo zypper install python3-drgn' ;;
      *" arch "*) cmd='sudo pacman -S drgn' ;;
      *) cmd='' ;;
    esac
    if [ -n "$cmd" ]; then
      say "not a Debian/Ubuntu system (${os_id:-unknown}): install your distribution's drgn with: $cmd"
    else
      say "not a Debian/Ubuntu system (${os_id:-unknown}): install drgn $want or newer with your package manager (or: python3 -m pip install drgn)"
    fi
    say "then check it with: python3 -c 'import drgn; print(drgn.__version__)'; tell crashdeck with CRASHDECK_DRGN_PYTHON=PATH if that python3 is not on PATH"
    exit 1
    ;;
esac
if [ "$suite" = bookworm ]; then
  say "drgn $want is Debian bookworm's own: install it with: sudo apt-get install python3-drgn"
  exit 1
fi
for tool in apt-get dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool not found (Debian/Ubuntu without apt?)"; exit 1; }
done

# Debian's archive: the mirror this machine already uses, else deb.debian.org; verified with
# Debian's keyring (package debian-archive-keyring) on Ubuntu too.
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

# The suite's python3.X: python3-drgn's "python3 (>= 3.13~)" names it.
pydep=$(apt-cache "${apt_opts[@]}" show python3-drgn | sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
  sed -n 's/^[[:space:]]*python3 (>= \([0-9]*\.[0-9]*\).*/\1/p' | head -n 1)
[ -n "$pydep" ] || { say "python3-drgn in $suite names no python3 version"; exit 1; }
pyver=python$pydep

# python3-drgn, the interpreter, its standard library, and the shared libraries they need:
# follow Depends/Pre-Depends through library packages (names lib* and zlib1g), first
# alternative of each, at most 80 packages.
declare -A seen=()
queue=(python3-drgn "$pyver-minimal" "lib$pyver-minimal" "lib$pyver-stdlib")
while [ ${#queue[@]} -gt 0 ]; do
  pkg=${queue[0]}
  queue=("${queue[@]:1}")
  [ -z "${seen[$pkg]:-}" ] || continue
  seen[$pkg]=1
  [ ${#seen[@]} -le 80 ] || { say "too many dependencies; giving up"; exit 1; }
  (cd "$work/debs" && apt-get "${apt_opts[@]}" -q download "$pkg" >&2) || { say "could not download $pkg from $suite"; exit 1; }
  deb=$(ls -t "$work/debs/${pkg}_"*.deb | head -n 1)
  deps=$(dpkg-deb -f "$deb" Pre-Depends Depends | sed -n 's/^[A-Za-z-]*: //p' | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/:any//; s/[[:space:]]//g')
  for d in $deps; do
    case "$d" in
      libpython3*|lib*|zlib1g) [ -n "${seen[$d]:-}" ] || queue+=("$d") ;;
    esac
  done
done
say "downloaded: ${!seen[*]}"

# Unpack into a fresh directory beside the prefix, then swap it in (a failed run leaves the old one).
mkdir -p "$root_dir"
stage=$(mktemp -d "$root_dir/.drgn-$want.XXXXXX")
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$stage/root"; done
loader=$(find "$stage/root" -name 'ld-linux*.so*' -type f | head -n 1)
[ -n "$loader" ] || { rm -rf "$stage"; say "no dynamic loader in the downloaded libc6"; exit 1; }
[ -x "$stage/root/usr/bin/$pyver" ] || { rm -rf "$stage"; say "no $pyver in the downloaded packages"; exit 1; }
triplet=$(basename "$(dirname "$loader")")
libs=()
for d in usr/lib/$triplet lib/$triplet usr/lib lib; do [ -d "$stage/root/$d" ] && libs+=("$prefix/root/$d"); done
libpath=$(IFS=:; echo "${libs[*]}")
loader=${loader#"$stage"/}
mkdir -p "$stage/bin"
# PYTHONHOME makes the interpreter take its standard library from the prefix; Debian's
# dist-packages (where python3-drgn puts drgn) is on the path of Debian's python only through
# its site.py, which the prefix's interpreter has too, so PYTHONPATH names it for certain.
cat > "$stage/bin/python3" <<EOF
#!/bin/sh
# $pyver from Debian $suite with its python3-drgn, run with that suite's own loader and
# libraries (install-drgn.sh).
PYTHONHOME="$prefix/root/usr" PYTHONPATH="$prefix/root/usr/lib/python3/dist-packages" PYTHONNOUSERSITE=1 \\
  exec "$prefix/$loader" --library-path "$libpath" "$prefix/root/usr/bin/$pyver" "\$@"
EOF
chmod 0755 "$stage/bin/python3"
rm -rf "$prefix.old"
[ ! -e "$prefix" ] || mv "$prefix" "$prefix.old"
mv "$stage" "$prefix"
rm -rf "$prefix.old"

got=$(version_of "$wrapper")
if ! at_least "$got" "$want"; then
  say "the installed drgn does not load as expected (import drgn said:)"
  "$wrapper" -c 'import drgn; print(drgn.__version__)' >&2 || true
  exit 1
fi
say "drgn $got ready in $prefix ($(du -sh "$prefix" | cut -f1))"
done_with "$wrapper"
