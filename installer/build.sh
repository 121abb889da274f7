#!/usr/bin/env bash
# Build the Linux bundle of Revoke Desk: a venv from the lock file, PyInstaller with
# installer/revoke-desk.spec, then dist/revoke-desk/ (one folder, runs without Python),
# dist/revoke-desk-VERSION-linux-ARCH.tar.gz and, with --deb, a .deb around it.
#
#   installer/build.sh [--deb] [--no-tar] [--build-dir DIR] [--dist-dir DIR]
#
# PYTHON picks the build's Python.  By default: python3.12 (then 3.13) on the PATH or
# under pyenv, else python3.  The bundle carries that Python and the PySide6 the
# lock pins for it: 6.12 on Python >= 3.12, 6.11 below (PySide6 6.12 has a refcount bug
# on CPython < 3.12: pyproject.toml and docs/decisions.md).  DEB_COMPRESSION sets the
# .deb's compression (xz by default, for any dpkg; zstd, for dpkg >= 1.21.18, takes
# seconds instead of minutes: ./test uses it).
# Every run starts from a fresh venv: nothing is cached but pip's own download cache.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

build_dir=build/installer
dist_dir=dist
make_tar=1
make_deb=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --deb) make_deb=1 ;;
    --no-tar) make_tar=0 ;;
    --build-dir) build_dir=$2; shift ;;
    --dist-dir) dist_dir=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$build_dir" "$dist_dir"
build_dir=$(cd "$build_dir" && pwd)
dist_dir=$(cd "$dist_dir" && pwd)

find_python() {
  local v found
  for v in 3.12 3.13; do
    if found=$(command -v "python$v" 2>/dev/null) && "$found" -c 'import sys' 2>/dev/null; then
      echo "$found"; return
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23]\.[0-9]+$' | sort -V | head -n 1 || true)
    if [ -n "$v" ] && found=$(PYENV_VERSION=$v pyenv which python3 2>/dev/null); then
      echo "$found"; return
    fi
  fi
  command -v python3
}
PYTHON=${PYTHON:-$(find_python)}
py_version=$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
echo "== build Python: $PYTHON ($py_version)"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  echo "== note: Python $py_version < 3.12: the bundle gets PySide6 6.11 (capped), not 6.12" >&2
fi

pip() {
  # (a machine's pip.conf may name local wheel folders that are not there: not our news)
  "$venv/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file" >&2)
}

venv=$build_dir/venv
rm -rf "$venv" "$build_dir/pyinstaller" "$dist_dir/revoke-desk"
start=$(date +%s)
echo "== venv from installer/requirements-lock.txt"
"$PYTHON" -m venv "$venv"
pip install --quiet --upgrade pip
# Hashes checked, wheels only: what is built is what the lock names.
pip install --quiet --require-hashes --only-binary=:all: \
  -r installer/requirements-lock.txt
# The app itself, as a wheel (no build isolation: setuptools comes from the lock), so
# that its metadata (the version) is there for the bundle.
rm -rf "$build_dir/wheel"
pip wheel --quiet --no-deps --no-build-isolation -w "$build_dir/wheel" .
rm -rf build/lib build/bdist.* ./*.egg-info
pip install --quiet --no-deps "$build_dir"/wheel/revoke_desk-*.whl
installed=$(date +%s)

echo "== PyInstaller"
# From outside the source tree, so the bundle takes the installed package, not the checkout.
(cd "$build_dir" && "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
   --workpath "$build_dir/pyinstaller" --distpath "$dist_dir" "$ROOT/installer/revoke-desk.spec")
built=$(date +%s)

bundle=$dist_dir/revoke-desk
version=$("$bundle/revoke-desk" --version | head -n 1 | awk '{print $2}')  # line 2: the data location
arch=$(uname -m)
echo "== bundle: $bundle (revoke-desk $version, $(du -sh "$bundle" | cut -f1))"
printf 'venv %ss, PyInstaller %ss\n' "$((installed - start))" "$((built - installed))" \
  > "$build_dir/timings.txt"
pip freeze --all > "$build_dir/bundle-packages.txt"

if [ "$make_tar" = 1 ]; then
  tarball=$dist_dir/revoke-desk-$version-linux-$arch.tar.gz
  tar -C "$dist_dir" -czf "$tarball" revoke-desk
  echo "== $tarball ($(du -h "$tarball" | cut -f1))"
fi
if [ "$make_deb" = 1 ]; then
  installer/linux/make-deb.sh "$bundle" "$version" "$dist_dir"
fi
cat "$build_dir/timings.txt"
