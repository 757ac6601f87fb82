#!/bin/sh
# Makes Debian's Xen 4.17 (the reference every xenon result is compared with) and
# Debian's stock kernel available without installing anything into the host's boot:
# the .debs are fetched with `apt-get download` and unpacked with `dpkg-deb -x` into a
# cache, so every run (and every engineer) boots the very same binaries.
#
#   scripts/reference-xen.sh            prints the path of the Xen 4.17 image
#   scripts/reference-xen.sh --kernel   prints the path of linux-image-amd64's vmlinuz
#   . scripts/reference-xen.sh          defines reference_xen / reference_kernel
#
# Cache: ${XENON_CACHE:-$HOME/.cache/xenon}/xen (Xen) and .../linux (kernel). Nothing is
# downloaded when the unpacked file is already there. Delete the directory to refresh.
# xen-4.17 is the gunzipped /boot/xen-4.17-amd64.gz: an ELF32 Multiboot 1 image that
# QEMU's -kernel loads as is; xen-4.17-amd64.gz is kept as shipped (for its size).

# ref_fetch_deb PACKAGE DIR: downloads PACKAGE's .deb into DIR (unless one is there) and
# unpacks it into DIR/root. Only Debian's archive is reachable from the build box, so
# this is the one way in; `apt-get update` runs once if the package lists lack it
# (a fresh machine or container ships without lists).
ref_fetch_deb() {
    mkdir -p "$2" || return 1
    if ! ls "$2/$1"_*.deb >/dev/null 2>&1; then # none cached yet
        # apt-get download writes into the current directory: use a subshell.
        if ! (cd "$2" && apt-get download -q "$1" >/dev/null 2>&1); then
            echo "reference-xen: $1 not in the package lists, running apt-get update" >&2
            apt-get update -q >/dev/null 2>&1
            (cd "$2" && apt-get download -q "$1" >/dev/null) || {
                echo "reference-xen: cannot download $1" >&2
                return 1
            }
        fi
    fi
    for _deb in "$2/$1"_*.deb; do :; done # the last (newest) one
    rm -rf "$2/root"
    dpkg-deb -x "$_deb" "$2/root" || return 1
    # Which build the cache holds, for the benchmark notes.
    echo "$1 $(dpkg-deb -f "$_deb" Version)" >"$2/version"
}

# reference_xen: prints the path of the unpacked Xen 4.17 image.
reference_xen() {
    _d=${XENON_CACHE:-$HOME/.cache/xenon}/xen
    if [ ! -s "$_d/xen-4.17" ]; then
        ref_fetch_deb xen-hypervisor-4.17-amd64 "$_d" || return 1
        cp "$_d/root/boot/xen-4.17-amd64.gz" "$_d/xen-4.17-amd64.gz" &&
            gzip -dc "$_d/xen-4.17-amd64.gz" >"$_d/xen-4.17.tmp" &&
            mv "$_d/xen-4.17.tmp" "$_d/xen-4.17" || return 1
        rm -rf "$_d/root"
    fi
    echo "$_d/xen-4.17"
}

# reference_kernel: prints the path of the stock Debian kernel's vmlinuz (a Xen PV-capable
# bzImage). linux-image-amd64 is a metapackage: its first linux-image-* dependency is the
# real kernel package, whose /boot/vmlinuz-* is all we keep (modules are not needed).
reference_kernel() {
    _d=${XENON_CACHE:-$HOME/.cache/xenon}/linux
    if [ ! -s "$_d/vmlinuz" ]; then
        _p=$(apt-cache depends linux-image-amd64 2>/dev/null |
            awk '/Depends: linux-image-/ { print $2; exit }')
        if [ -z "$_p" ]; then
            apt-get update -q >/dev/null 2>&1
            _p=$(apt-cache depends linux-image-amd64 2>/dev/null |
                awk '/Depends: linux-image-/ { print $2; exit }')
        fi
        [ -n "$_p" ] || { echo "reference-xen: no linux-image-amd64 package" >&2; return 1; }
        ref_fetch_deb "$_p" "$_d" || return 1
        cp "$_d"/root/boot/vmlinuz-* "$_d/vmlinuz.tmp" && mv "$_d/vmlinuz.tmp" "$_d/vmlinuz" ||
            return 1
        rm -rf "$_d/root"
    fi
    echo "$_d/vmlinuz"
}

# Executed (not sourced): do the work. When sourced, $0 is the caller's name.
case ${0##*/} in
reference-xen.sh)
    set -eu
    case ${1:-} in
    --kernel) reference_kernel ;;
    "") reference_xen ;;
    *) echo "usage: $0 [--kernel]" >&2; exit 2 ;;
    esac
    ;;
esac
