# shellcheck shell=bash
# What dom0's /init and scenarios share (sourced). Results go to the console, one line
# each, and to /run/xenon/results, printed again as one block at the end (kernel lines
# may cut into a line on the console; the host-side harness takes the block when it is
# there):
#   XENON-STEP <name> PASS|FAIL <detail>
#   XENON-TIME <name> <seconds>
XENON_RESULTS=/run/xenon/results

uptime_s() {
    local up _
    read -r up _ </proc/uptime
    echo "$up"
}

# step NAME PASS|FAIL DETAIL...
step() {
    local name=$1 result=$2
    shift 2
    echo "XENON-STEP $name $result $*" | tee -a "$XENON_RESULTS"
}

# timing NAME SECONDS
timing() {
    echo "XENON-TIME $1 $2" | tee -a "$XENON_RESULTS"
}

results_block() {
    echo "XENON-RESULTS-BEGIN"
    cat "$XENON_RESULTS" 2>/dev/null
    echo "XENON-RESULTS-END"
}

# Seconds since the epoch with microseconds, without a fork.
now() { echo "$EPOCHREALTIME"; }
# elapsed START [END]: seconds between two now() values, 2 decimals.
elapsed() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { printf "%.2f", b - a }'; }
