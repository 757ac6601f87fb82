# shellcheck shell=bash
# The Debian part of the dom0 root (sourced by scripts/dom0-root): a minbase bookworm
# with Debian's own Xen toolstack and what the scenarios use. This file's text is part of
# the cache key of the base, so any change here rebuilds it (debootstrap: minutes).
# dom0_progress (scripts/dom0-root) shows the build's progress and logs it to $DOM0_LOG.

# Packages installed on top of minbase, without their recommends (which would bring
# qemu-system-xen and grub-xen-host: no HVM device model, PV domains only).
DOM0_PACKAGES="xen-utils-4.17 xen-utils-common iproute2 bridge-utils kmod procps busybox jq"

# dom0_mirrors: sets DOM0_MIRROR and DOM0_SECURITY (may be empty) to the Debian archive
# and security archive this machine's apt uses (deb822 .sources or a one-line list).
dom0_mirrors() {
    local f
    DOM0_MIRROR='' DOM0_SECURITY=''
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        : "${DOM0_MIRROR:=$(sed -n 's#^URIs: *\([^ ]*/debian\)/\?$#\1#p' "$f" | head -n1)}"
        : "${DOM0_SECURITY:=$(sed -n 's#^URIs: *\([^ ]*/debian-security\)/\?$#\1#p' "$f" | head -n1)}"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        : "${DOM0_MIRROR:=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { sub(/\/$/, "", $2); print $2; exit }' "$f")}"
        : "${DOM0_SECURITY:=$(awk '$1 == "deb" && $2 ~ /\/debian-security\/?$/ { sub(/\/$/, "", $2); print $2; exit }' "$f")}"
    done
    : "${DOM0_MIRROR:=http://deb.debian.org/debian}"
}

# dom0_build_base DIR: debootstraps DIR and installs DOM0_PACKAGES in it (as root).
dom0_build_base() {
    local r=$1
    dom0_mirrors
    echo "dom0-root: debootstrap --variant=minbase bookworm from $DOM0_MIRROR (log: $DOM0_LOG)" >&2
    debootstrap --variant=minbase bookworm "$r" "$DOM0_MIRROR" 2>&1 | dom0_progress "dom0-root: debootstrap"
    [ "${PIPESTATUS[0]}" = 0 ] || { echo "dom0-root: debootstrap failed (see $DOM0_LOG)" >&2; return 1; }
    {
        echo "deb $DOM0_MIRROR bookworm main"
        echo "deb $DOM0_MIRROR bookworm-updates main"
        [ -z "$DOM0_SECURITY" ] || echo "deb $DOM0_SECURITY bookworm-security main"
    } >"$r/etc/apt/sources.list"
    # No daemon may start inside the chroot while packages are configured.
    printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
    chmod +x "$r/usr/sbin/policy-rc.d"
    echo "dom0-root: apt-get install $DOM0_PACKAGES" >&2
    chroot "$r" apt-get update 2>&1 | dom0_progress "dom0-root: apt-get update"
    [ "${PIPESTATUS[0]}" = 0 ] || { echo "dom0-root: apt-get update failed (see $DOM0_LOG)" >&2; return 1; }
    # shellcheck disable=SC2086 # a list of package names
    chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        $DOM0_PACKAGES 2>&1 | dom0_progress "dom0-root: apt-get install"
    [ "${PIPESTATUS[0]}" = 0 ] || { echo "dom0-root: apt-get install failed (see $DOM0_LOG)" >&2; return 1; }
    chroot "$r" apt-get clean
    rm -f "$r/usr/sbin/policy-rc.d"
    chroot "$r" dpkg-query -W -f='${Package} ${Version}\n' xen-utils-4.17 linux-base 2>/dev/null \
        >"$r/.xenon-versions" || true
    # What a ramdisk does not need (the root is unpacked into dom0's RAM at every boot).
    rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/locale/* "$r"/usr/share/info/* \
        "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin
}
