#!/bin/bash
# The default scenario of scripts/run-qemu: with the toolstack up (dom0's /init), start
# one PV domU, "demo" (Debian's kernel with a shell on its console), and say how to reach
# it. dom0's own shell follows on this console.
. /xenon/scenario.sh
cfg demo "xenon_shell" >/dev/null
echo "XENON-DEMO: creating domU 'demo' (xl create /tmp/cfg/demo.cfg; under emulation this takes a minute)"
start=$(now)
if out=$(XL_TIMEOUT=180 x create /tmp/cfg/demo.cfg 2>&1); then
    echo "XENON-DEMO: xl create returned in $(elapsed "$start") s"
    if t=$(wait_log demo 'XENON-DOMU: userspace up' 180); then
        echo "XENON-DEMO: demo's userspace is up ($t s after xl create returned)"
    else
        echo "XENON-DEMO: demo's console shows no userspace yet (see $LOGD/guest-demo.log)"
    fi
    x list
    echo "XENON-DEMO: 'xl console demo' attaches to its shell (Ctrl-] comes back); 'xl list', 'xl info', 'xl destroy demo' work as on Xen"
else
    echo "XENON-DEMO: xl create failed:"
    echo "$out" | tail -n 5 | sed 's/^/    /'
fi
