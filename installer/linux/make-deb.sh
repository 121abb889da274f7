#!/usr/bin/env bash
# Wrap a built bundle (installer/build.sh) in a .deb:
#   installer/linux/make-deb.sh BUNDLE_DIR VERSION OUT_DIR
# /opt/revoke-desk (the bundle), /usr/bin/revoke-desk and revoke-desk-gui (symlinks),
# the menu entry with its icon, the docs, and /usr/sbin/revoke-desk-data-location (the
# machine-wide data folders; debian/postinst).  The shop's data is in no file of the
# package, so removing or purging it never touches the data (debian/postrm, README.Debian).
# DEB_COMPRESSION: xz (default: any dpkg), zstd (dpkg >= 1.21.18: seconds, not minutes),
# gzip or none.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=$(cd "$1" && pwd)
version=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

pkg=$stage/revoke-desk
install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/sbin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/scalable/apps" "$pkg/usr/share/icons/hicolor/256x256/apps" \
  "$pkg/usr/share/doc/revoke-desk"
cp -a "$bundle" "$pkg/opt/revoke-desk"
ln -s /opt/revoke-desk/revoke-desk "$pkg/usr/bin/revoke-desk"
ln -s /opt/revoke-desk/revoke-desk-gui "$pkg/usr/bin/revoke-desk-gui"
install -m 644 "$here/revoke-desk.desktop" "$pkg/usr/share/applications/revoke-desk.desktop"
install -m 644 "$root/installer/icons/revoke-desk.svg" \
  "$pkg/usr/share/icons/hicolor/scalable/apps/revoke-desk.svg"
install -m 644 "$root/ui/icons/revoke-desk.png" \
  "$pkg/usr/share/icons/hicolor/256x256/apps/revoke-desk.png"
install -m 644 "$here/debian/README.Debian" "$pkg/usr/share/doc/revoke-desk/README.Debian"
install -m 644 "$here/debian/copyright" "$pkg/usr/share/doc/revoke-desk/copyright"
install -m 755 "$here/revoke-desk-data-location" "$pkg/usr/sbin/revoke-desk-data-location"
install -m 755 "$here/debian/postinst" "$pkg/DEBIAN/postinst"
install -m 755 "$here/debian/postrm" "$pkg/DEBIAN/postrm"

size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  "$here/debian/control.in" > "$pkg/DEBIAN/control"

deb=$out/revoke-desk_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$pkg" "$deb" >/dev/null
echo "== $deb ($(du -h "$deb" | cut -f1))"
