# shellcheck shell=bash
# What scenarios share beyond lib.sh (sourced): running a step, bounded xl calls, domU
# configurations, console-log waits, and the "nothing left behind" snapshot.
. /xenon/lib.sh
LOGD=/var/log/xen/console
mkdir -p /run/xenon/steps /tmp/cfg
# Every step ends by this many seconds after the scenario started, whatever hangs.
DEADLINE=$((SECONDS + ${XENON_BUDGET:-900}))
declare -A passed
# The steps /init passed count for the needs of the scenario's own.
while read -r _ name verdict _; do
    [ "$verdict" = PASS ] && passed[$name]=1
done < <(grep '^XENON-STEP ' "$XENON_RESULTS" 2>/dev/null)

# run NAME FUNCTION [ARGS...]: FUNCTION's output goes to /run/xenon/steps/NAME.log, its
# last line is the step's detail, its status the verdict. It runs in this shell, so it
# may set variables for later steps.
run() {
    local name=$1 rc detail
    shift
    if [ $SECONDS -ge $DEADLINE ]; then
        step "$name" FAIL "not run: the scenario's ${XENON_BUDGET:-900} s are spent"
        return 1
    fi
    "$@" >"/run/xenon/steps/$name.log" 2>&1
    rc=$?
    detail=$(grep -v '^$' "/run/xenon/steps/$name.log" | tail -n 1 | tr -d '\r' | cut -c1-240)
    if [ $rc = 0 ]; then
        passed[$name]=1
        step "$name" PASS "$detail"
    else
        step "$name" FAIL "$detail"
        # The whole story on the console, for whoever reads the log.
        sed 's/^/    | /' "/run/xenon/steps/$name.log" | tail -n 15
    fi
    return $rc
}

# needs STEP...: fails (with the reason as the detail) unless every STEP passed.
needs() {
    local s
    for s; do
        [ -n "${passed[$s]:-}" ] || { echo "not run: needs $s"; return 1; }
    done
}

# x ARGS...: xl, bounded (XL_TIMEOUT seconds, default 30); its output shows in the step log.
x() { timeout "${XL_TIMEOUT:-30}" xl "$@"; }

# info FIELD: one field of the last `xl info` (xl_info_now runs it again: every xl call
# costs seconds under emulation).
xl_info_now() { x info >/tmp/xlinfo; }
info() { sed -n "s/^$1 *: //p" /tmp/xlinfo; }

# row NAME: the `xl list` row of domain NAME ("name id mem vcpus state time").
row() { x list "$1" 2>/dev/null | awk 'NR == 2'; }
state() { row "$1" | awk '{ print $5 }'; }
domid() { x domid "$1" 2>/dev/null; }

# cfg NAME EXTRA-CMDLINE ["key = value"...]: writes /tmp/cfg/NAME.cfg, a PV domU of
# 128 MiB and one vCPU booting the Debian kernel with the busybox initramfs of
# domu-init; each "key = value" replaces the default of that key or adds it.
cfg() {
    local name=$1 extra=$2 line f=/tmp/cfg/$1.cfg
    shift 2
    cat >"$f" <<EOC
name = "$name"
type = "pv"
kernel = "/xenon/vmlinuz"
ramdisk = "/xenon/domu-initrd.cpio.gz"
extra = "console=hvc0 $extra"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "preserve"
EOC
    for line; do
        sed -i "/^${line%% =*} = /d" "$f"
        echo "$line" >>"$f"
    done
    echo "$f"
}

# count NAME ERE: lines of domain NAME's console log matching ERE.
count() { grep -a -c -E -- "$2" "$LOGD/guest-$1.log" 2>/dev/null || true; }

# wait_log NAME ERE [TIMEOUT [MIN]]: waits until domain NAME's console log holds at least
# MIN (default 1) lines matching ERE; prints the seconds waited (2 decimals).
wait_log() {
    local s=$EPOCHREALTIME to=${3:-60} min=${4:-1}
    while [ "$(count "$1" "$2")" -lt "$min" ]; do
        if awk -v a="$(elapsed "$s")" -v t="$to" 'BEGIN { exit !(a > t) }'; then
            echo "timeout"
            return 1
        fi
        sleep 0.2
    done
    elapsed "$s"
}

# until_true TIMEOUT COMMAND...: polls COMMAND every 0.5 s for TIMEOUT seconds.
until_true() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.5
    done
}

# snapshot: what a failed or finished domain must leave as it found: the domains, the
# xenstore trees libxl writes, backends, loop devices, vifs. (Free memory is compared
# apart: it takes a moment to come back.)
snapshot() {
    x list | awk 'NR > 1 { print "domain", $1, $2 }'
    local p
    for p in /local/domain /vm /libxl /local/domain/0/backend/vbd /local/domain/0/backend/vif \
        /local/domain/0/backend/console /local/domain/0/backend/qdisk; do
        echo "xenstore $p: $(timeout 10 xenstore-list "$p" 2>/dev/null | sort | tr '\n' ' ')"
    done
    echo "loop: $(losetup -a 2>/dev/null | cut -d: -f1 | tr '\n' ' ')"
    echo "vifs: $(ls /sys/class/net | grep '^vif' | tr '\n' ' ')"
}

# free_mib: xl info's free_memory.
free_mib() { xl_info_now && info free_memory; }

# left_behind BASE_SNAPSHOT_FILE BASE_FREE_MIB: fails, saying what, unless the snapshot
# and free memory (to 2 MiB) come back to the baseline within 20 s.
left_behind() {
    local end=$((SECONDS + 20)) now_free
    while :; do
        snapshot >/tmp/snap.now
        now_free=$(free_mib)
        if cmp -s "$1" /tmp/snap.now && [ -n "$now_free" ] &&
            [ $((${2:-0} - now_free)) -le 2 ] && [ $((now_free - ${2:-0})) -le 2 ]; then
            return 0
        fi
        [ $SECONDS -lt $end ] || break
        sleep 1
    done
    echo "left behind: $(diff "$1" /tmp/snap.now | grep '^[<>]' | tr '\n' ';') free ${now_free:-?} MiB, was $2"
    return 1
}
