# shellcheck shell=bash disable=SC2034 # variables are for the callers
# Shared QEMU helpers for scripts and test harnesses (bash; source this file).
#
# qemu_watch runs QEMU with its serial console on stdout, reads that console line by line
# as it arrives, copies it to a log, and ends QEMU as soon as a line matches a regex (or
# the timeout hits). Why: Xen 4.17 halts without powering off when a dom0 that is not
# Linux shuts down, so QEMU never exits by itself; and benchmarks need the time at which
# a given line appeared, which only a reader that sees every line as it comes can give.
#
#   qemu_watch [--log FILE] [--timeout S] [--stop ERE] [--idle S] [--stamp] [--quiet] -- QEMU-ARGS...
#
#   --log FILE   serial output (and QEMU's own messages) go there, '\r' removed
#   --timeout S  end QEMU after S seconds (GNU timeout; 0 = never)
#   --stop ERE   end QEMU at the first line matching ERE (bash =~, extended regex)
#   --idle S     end QEMU when no line came for S seconds (status 124, QEMU_IDLE=1)
#   --stamp      start each logged line with "[seconds since QEMU started] "
#   --quiet      do not echo the console on stdout
#
# Give QEMU its console with "-nographic -serial mon:stdio" (or "-serial stdio").
# QEMU's stdin is this shell's stdin when that is a terminal (Ctrl-a x still works),
# otherwise /dev/null (with mon:stdio QEMU would otherwise read and eat the caller's input).
#
# Returns QEMU's exit status; 124 on timeout; 0 when stopped by --stop. Sets:
#   QEMU_STATUS      that same status
#   QEMU_MATCH       the matching line ("" if none)
#   QEMU_MATCH_TIME  seconds from just before QEMU started to that line's arrival
#   QEMU_END_TIME    seconds from start to the end of QEMU
#   QEMU_IDLE        1 when --idle ended it, else empty

# Lines after which Xen 4.17 stays halted forever (hwdom_shutdown, domain_crash, panic);
# "reboot" too, since the Xen command line says noreboot.
QEMU_XEN_END_RE='Hardware Dom0 (halted|shutdown|crashed|reboot)|Domain 0 crashed|Panic on CPU'

# Elapsed seconds between two $EPOCHREALTIME values, 3 decimals.
qemu_elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

qemu_watch() {
    local log=/dev/null timeout=0 stop='' quiet='' idle='' stamp='' line t0 now pid fd dir rc us
    while [ $# -gt 0 ]; do
        case $1 in
        --log) log=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --stop) stop=$2; shift 2 ;;
        --idle) idle=$2; shift 2 ;;
        --stamp) stamp=1; shift ;;
        --quiet) quiet=1; shift ;;
        --) shift; break ;;
        *) echo "qemu_watch: unknown option $1" >&2; return 2 ;;
        esac
    done
    QEMU_MATCH='' QEMU_MATCH_TIME='' QEMU_END_TIME='' QEMU_STATUS='' QEMU_IDLE=''
    # A FIFO rather than a pipeline: the loop must run in this shell (to set the
    # variables above) and must know QEMU's PID to end it.
    dir=$(mktemp -d) || return 1
    mkfifo "$dir/serial" || { rm -rf "$dir"; return 1; }
    : >"$log"
    # `timeout` bounds QEMU even if this shell dies; --foreground lets QEMU read a
    # terminal (timeout otherwise puts it in a background process group).
    t0=$EPOCHREALTIME
    if [ -t 0 ]; then
        # (an asynchronous command gets /dev/null unless stdin is redirected explicitly)
        timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "$@" >"$dir/serial" 2>&1 <&0 &
    else
        timeout -k 5 "$timeout" qemu-system-x86_64 "$@" >"$dir/serial" 2>&1 </dev/null &
    fi
    pid=$!
    exec {fd}<"$dir/serial"
    while :; do
        IFS= read -r -u "$fd" ${idle:+-t "$idle"} line
        rc=$?
        now=$EPOCHREALTIME # first: the arrival time of this line
        if [ $rc -gt 128 ]; then # timed out: nothing for $idle seconds
            QEMU_IDLE=1
            kill -TERM "$pid" 2>/dev/null
            break
        fi
        [ $rc = 0 ] || [ -n "$line" ] || break # the end of the console
        line=${line//$'\r'/}
        if [ -n "$stamp" ]; then
            us=$((${now//[.,]/} - ${t0//[.,]/}))
            printf '[%4d.%03d] %s\n' $((us / 1000000)) $((us % 1000000 / 1000)) "$line" >>"$log"
        else
            printf '%s\n' "$line" >>"$log"
        fi
        [ -n "$quiet" ] || printf '%s\n' "$line"
        if [ -n "$stop" ] && [[ $line =~ $stop ]]; then
            kill -TERM "$pid" 2>/dev/null
            QEMU_MATCH_TIME=$(qemu_elapsed "$t0" "$now")
            QEMU_MATCH=$line
            break
        fi
    done
    exec {fd}<&-
    wait "$pid"
    QEMU_STATUS=$?
    QEMU_END_TIME=$(qemu_elapsed "$t0" "$EPOCHREALTIME")
    rm -rf "$dir"
    [ -n "$QEMU_MATCH" ] && QEMU_STATUS=0
    [ -n "$QEMU_IDLE" ] && QEMU_STATUS=124
    return "$QEMU_STATUS"
}

# qemu_module_arg FILE [ARGS...]: one entry of QEMU's -initrd list, "FILE ARGS", with
# commas doubled (QEMU separates modules with ',' and reads ',,' as a literal comma).
qemu_module_arg() {
    local s="$*"
    printf '%s' "${s//,/,,}"
}
