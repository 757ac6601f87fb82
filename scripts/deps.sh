#!/bin/sh
# Installs what building, running and testing xenon needs, as Debian packages, when
# missing. Safe to run again: it does nothing when everything is there.
set -e
PACKAGES="build-essential cmake make g++ binutils libgtest-dev googletest qemu-system-x86 \
grub-pc-bin grub-common xorriso mtools busybox-static cpio file gzip libxen-dev debootstrap"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null
