# shellcheck shell=bash
# The toolstack test's scenario (tests/toolstack): Debian's xl against the hypervisor,
# one XENON-STEP line per step, in the order of tests/toolstack/steps. Every expectation
# is what Xen 4.17 answers (reference.toolstack runs it there).
. /xenon/scenario.sh
XL_MIB=1536 # dom0_mem on the hypervisor's command line

# --- the host and dom0 ---------------------------------------------------------------

t_xl_info() {
    xl_info_now || return 1
    cat /tmp/xlinfo
    local v
    v="$(info xen_major).$(info xen_minor) $(info xen_version)"
    # The extra version is the hypervisor's own (Xen "4.17.7", xenon "4.17-xenon").
    case $v in "4.17 4.17"*) ;; *) echo "xen_major.xen_minor xen_version: '$v', want 4.17 4.17*"; return 1 ;; esac
    [ -n "$(info host)" ] || { echo "no host"; return 1; }
    echo "xen $v, release $(info release)"
}

t_xl_info_cpus() {
    local n c t nodes
    n=$(info nr_cpus) c=$(info cores_per_socket) t=$(info threads_per_core) nodes=$(info nr_nodes)
    [ "$n" = 2 ] || { echo "nr_cpus '$n', want 2"; return 1; }
    [ "$t" = 1 ] || { echo "threads_per_core '$t', want 1"; return 1; }
    [ "$nodes" = 1 ] || { echo "nr_nodes '$nodes', want 1"; return 1; }
    [ -n "$c" ] && [ "$c" -ge 1 ] || { echo "cores_per_socket '$c'"; return 1; }
    awk -v m="$(info cpu_mhz)" 'BEGIN { exit !(m + 0 > 0) }' || { echo "cpu_mhz '$(info cpu_mhz)'"; return 1; }
    echo "nr_cpus $n, cores_per_socket $c, threads_per_core $t, nr_nodes $nodes, cpu_mhz $(info cpu_mhz)"
}

t_xl_info_memory() {
    local total free
    total=$(info total_memory) free=$(info free_memory)
    # QEMU has 3072 MiB, less the firmware's and the hypervisor's own.
    [ -n "$total" ] && [ "$total" -gt 2900 ] && [ "$total" -le 3072 ] ||
        { echo "total_memory '$total', want 2900..3072"; return 1; }
    [ -n "$free" ] && [ "$free" -gt 0 ] && [ "$free" -le $((total - XL_MIB)) ] ||
        { echo "free_memory '$free', want 1..$((total - XL_MIB)) (total less dom0's)"; return 1; }
    BASE_FREE=$free
    echo "total_memory $total, free_memory $free"
}

t_xl_info_caps() {
    local caps virt sched
    caps=$(info xen_caps) virt=$(info virt_caps) sched=$(info xen_scheduler)
    case " $caps " in *" xen-3.0-x86_64 "*) ;; *) echo "xen_caps '$caps' lacks xen-3.0-x86_64"; return 1 ;; esac
    case " $virt " in *" pv "*) ;; *) echo "virt_caps '$virt' lacks pv"; return 1 ;; esac
    [ "$sched" = credit2 ] || { echo "xen_scheduler '$sched', want credit2"; return 1; }
    echo "xen_caps '$caps', virt_caps '$virt', xen_scheduler $sched"
}

t_xl_list() {
    x list || return 1
    local r
    r=$(row Domain-0)
    echo "$r" | awk -v m=$XL_MIB '$2 == 0 && $3 >= m - 16 && $3 <= m && $4 == 2 && $5 ~ /^[rb]-----$/ { ok = 1 }
        END { exit !ok }' || { echo "Domain-0 row '$r', want id 0, mem $XL_MIB, 2 vCPUs, r----- or -b----"; return 1; }
    echo "$r"
}

t_xl_list_json() {
    x list -l >/tmp/list.json || return 1
    jq -e 'type == "array" and length == 1 and .[0].domid == 0' /tmp/list.json >/dev/null ||
        { echo "xl list -l: want one entry, domid 0: $(head -c 200 /tmp/list.json)"; return 1; }
    echo "domid $(jq '.[0].domid' /tmp/list.json), $(jq -c '.[0].config.c_info.name // "no name"' /tmp/list.json)"
}

t_xl_domid_domname() {
    local id name
    id=$(domid Domain-0) name=$(x domname 0)
    [ "$id" = 0 ] && [ "$name" = Domain-0 ] || { echo "domid Domain-0 '$id', domname 0 '$name'"; return 1; }
    x domid no-such-domain && { echo "domid of a domain that is not there succeeded"; return 1; }
    echo "Domain-0 is 0, 0 is Domain-0, no-such-domain is an error"
}

t_xl_uptime() {
    x uptime >/tmp/uptime || return 1
    cat /tmp/uptime
    local r
    r=$(awk '$1 == "Domain-0"' /tmp/uptime)
    [ -n "$r" ] || { echo "no Domain-0 row"; return 1; }
    echo "$r" | grep -Eq ' [0-9]+:[0-9]{2}:[0-9]{2}( |$)' || { echo "uptime row '$r'"; return 1; }
    echo "$r"
}

t_xl_dmesg() {
    x dmesg >/tmp/dmesg || return 1
    [ -s /tmp/dmesg ] || { echo "empty"; return 1; }
    # Both hypervisors log their command line at boot.
    grep -q "dom0_mem=${XL_MIB}M" /tmp/dmesg || { echo "no dom0_mem=${XL_MIB}M (the command line) in $(wc -l </tmp/dmesg) lines"; return 1; }
    echo "$(wc -l </tmp/dmesg) lines, $(grep -m1 "dom0_mem=" /tmp/dmesg | cut -c1-120)"
}

t_xl_vcpu_list_dom0() {
    x vcpu-list Domain-0 || return 1
    local rows
    rows=$(x vcpu-list Domain-0 | awk 'NR > 1 && $1 == "Domain-0" && $2 == 0 { print $3 }' | tr '\n' ' ')
    [ "$rows" = "0 1 " ] || { echo "vCPUs '$rows', want 0 1"; return 1; }
    echo "Domain-0 vCPUs $rows"
}

t_xl_cpupool_list() {
    x cpupool-list || return 1
    local r
    r=$(x cpupool-list | awk 'NR == 2')
    echo "$r" | awk '$1 == "Pool-0" && $2 == 2 && $3 == "credit2" && $4 == "y" && $5 == 1 { ok = 1 } END { exit !ok }' ||
        { echo "'$r', want Pool-0 2 credit2 y 1"; return 1; }
    echo "$r"
}

t_xl_sched_credit2_dom0() {
    x sched-credit2 || return 1
    local r
    r=$(x sched-credit2 -d Domain-0 | awk 'NR == 2')
    echo "$r" | awk '$1 == "Domain-0" && $2 == 0 && $3 == 256 && $4 == 0 { ok = 1 } END { exit !ok }' ||
        { echo "'$r', want Domain-0 0 weight 256 cap 0"; return 1; }
    echo "$r"
}

# --- bad input: libxl's error, and nothing left behind --------------------------------

# bad STEP-DETAIL ERE CFG: xl create CFG must fail with a line matching ERE and leave the
# domains, xenstore and free memory as they were.
bad_create() {
    local ere=$1 cfg=$2 rc
    snapshot >/tmp/snap.base
    XL_TIMEOUT=90 x create "$cfg" >/tmp/create.out 2>&1
    rc=$?
    cat /tmp/create.out
    grep -v '^Parsing config' /tmp/create.out | sed 's/^/    | /' >/dev/console # what libxl said
    [ $rc != 0 ] || { echo "xl create succeeded"; x destroy "$(sed -n 's/^name = "\(.*\)"/\1/p' "$cfg")"; return 1; }
    [ $rc != 124 ] || { echo "xl create timed out"; return 1; }
    grep -Eq -- "$ere" /tmp/create.out || { echo "no /$ere/ in xl's output"; return 1; }
    left_behind /tmp/snap.base "$BASE_FREE" || return 1
    echo "rc $rc: $(grep -E -m1 -- "$ere" /tmp/create.out | sed 's/^libxl: error: //' | cut -c1-160)"
}

t_create_missing_kernel() {
    needs xl_info_memory || return 1
    bad_create 'libxl__build_pv: xc_dom_kernel_file failed: No such file or directory' \
        "$(cfg bad-kernel "" 'kernel = "/xenon/no-such-kernel"')"
}

t_create_garbage_kernel() {
    needs xl_info_memory || return 1
    head -c 2097152 /dev/urandom >/tmp/garbage
    bad_create 'libxl__build_dom: xc_dom_parse_image failed' \
        "$(cfg bad-garbage "" 'kernel = "/tmp/garbage"')"
}

t_create_too_much_memory() {
    needs xl_info_memory || return 1
    bad_create 'xc_dom_boot_mem_init failed: Cannot allocate memory' \
        "$(cfg bad-memory "" "memory = $((BASE_FREE + 512))" "maxmem = $((BASE_FREE + 512))")"
}

t_create_bad_vcpus() {
    needs xl_info_memory || return 1
    # More than the hypervisor's limit, within libxl's: XEN_DOMCTL_createdomain says -EINVAL.
    bad_create 'libxl__domain_make: domain creation fail: Invalid argument' \
        "$(cfg bad-vcpus "" 'maxvcpus = 10000')"
}

# --- a PV domU through its life ------------------------------------------------------

t_lc_create() {
    needs dom0_init_dom0 xl_info_memory || return 1
    snapshot >/tmp/snap.idle
    local s e
    s=$EPOCHREALTIME
    XL_TIMEOUT=120 x create "$(cfg lc "xenon_ip=10.99.0.3")" || { echo "xl create failed ($?)"; return 1; }
    e=$EPOCHREALTIME
    LC_CREATED=$e LC_ID=$(domid lc)
    timing xl_create "$(elapsed "$s" "$e")"
    [ -n "$LC_ID" ] && [ "$LC_ID" -gt 0 ] || { echo "domid lc '$LC_ID'"; return 1; }
    echo "domid $LC_ID in $(elapsed "$s" "$e") s"
}

t_lc_marker() {
    needs lc_create || return 1
    local w
    w=$(wait_log lc 'XENON-DOMU: userspace up' 150) || { tail -n 20 "$LOGD/guest-lc.log"; echo "no userspace marker within 150 s of xl create returning"; return 1; }
    timing create_to_userspace "$(elapsed "$LC_START" "$(now)")"
    grep -a 'XENON-DOMU: userspace up' "$LOGD/guest-lc.log" | tail -n 1
}

t_lc_console_log() {
    needs lc_marker || return 1
    grep -aq 'Linux version 6\.1' "$LOGD/guest-lc.log" || { echo "no 'Linux version 6.1' in guest-lc.log"; return 1; }
    wait_log lc 'XENON-DOMU: tick' 20 >/dev/null || { echo "no tick line after the marker"; return 1; }
    echo "guest-lc.log: $(wc -l <"$LOGD/guest-lc.log") lines, kernel boot and userspace"
}

t_lc_list() {
    needs lc_create || return 1
    local r
    r=$(row lc)
    echo "$r" | awk -v id="$LC_ID" '$2 == id && $3 == 128 && $4 == 1 && $5 ~ /^(r-----|-b----)$/ { ok = 1 } END { exit !ok }' ||
        { echo "lc row '$r', want id $LC_ID, 128 MiB, 1 vCPU, r----- or -b----"; return 1; }
    echo "$r"
}

t_lc_list_json() {
    needs lc_create || return 1
    x list -l lc >/tmp/lc.json || return 1
    jq -e --argjson id "$LC_ID" '.[0].domid == $id and .[0].config.c_info.name == "lc" and
        .[0].config.c_info.type == "pv" and .[0].config.b_info.max_memkb == 131072 and
        .[0].config.b_info.max_vcpus == 1' /tmp/lc.json >/dev/null ||
        { head -c 600 /tmp/lc.json; echo; echo "want domid $LC_ID, name lc, type pv, max_memkb 131072, max_vcpus 1"; return 1; }
    echo "domid $LC_ID, name lc, type pv, max_memkb 131072, max_vcpus 1"
}

t_lc_domid_domname() {
    needs lc_create || return 1
    [ "$(domid lc)" = "$LC_ID" ] && [ "$(x domname "$LC_ID")" = lc ] ||
        { echo "domid lc '$(domid lc)', domname $LC_ID '$(x domname "$LC_ID")'"; return 1; }
    echo "lc is $LC_ID and back"
}

t_lc_pause() {
    needs lc_console_log || return 1
    x pause lc || return 1
    local st c1 c2
    st=$(state lc)
    case $st in *p*) ;; *) echo "state '$st' after pause, want p"; return 1 ;; esac
    sleep 1 # what the guest wrote before the pause reaches the log
    c1=$(count lc 'XENON-DOMU: tick')
    sleep 3
    c2=$(count lc 'XENON-DOMU: tick')
    [ "$c1" = "$c2" ] || { echo "paused guest still ticks ($c1 -> $c2 in 3 s)"; return 1; }
    echo "state $st, no tick in 3 s"
}

t_lc_unpause() {
    needs lc_pause || return 1
    local c st
    c=$(count lc 'XENON-DOMU: tick')
    x unpause lc || return 1
    st=$(state lc)
    case $st in *p*) echo "state '$st' after unpause"; return 1 ;; esac
    wait_log lc 'XENON-DOMU: tick' 10 $((c + 1)) >/dev/null || { echo "no tick within 10 s of unpause"; return 1; }
    echo "state $st, ticking again"
}

t_lc_vcpu_list() {
    needs lc_create || return 1
    local r
    r=$(x vcpu-list lc | awk 'NR > 1')
    echo "$r" | awk -v id="$LC_ID" 'NR == 1 && $1 == "lc" && $2 == id && $3 == 0 && $4 ~ /^[01]$/ &&
        $7 == "all" && $9 == "all" { ok = 1 } END { exit !(ok && NR == 1) }' ||
        { echo "vcpu-list lc '$r', want one vCPU 0 on CPU 0 or 1, affinity all / all"; return 1; }
    echo "$r"
}

t_lc_vcpu_pin() {
    needs lc_create || return 1
    x vcpu-pin lc 0 1 || return 1
    pinned() { x vcpu-list lc | awk 'NR == 2 && $4 == 1 && $7 == 1 { ok = 1 } END { exit !ok }'; }
    until_true 10 pinned || { x vcpu-list lc; echo "vCPU 0 not on CPU 1 with hard affinity 1"; return 1; }
    x vcpu-pin lc 0 all || return 1
    echo "$(x vcpu-list lc | awk 'NR == 2') after pinning back to all"
}

t_lc_sched_credit2() {
    needs lc_create || return 1
    x sched-credit2 -d lc -w 512 || return 1
    local r
    r=$(x sched-credit2 -d lc | awk 'NR == 2')
    echo "$r" | awk -v id="$LC_ID" '$1 == "lc" && $2 == id && $3 == 512 && $4 == 0 { ok = 1 } END { exit !ok }' ||
        { echo "'$r', want lc $LC_ID weight 512 cap 0"; return 1; }
    echo "$r"
}

t_lc_mem_set() {
    needs lc_marker || return 1
    x mem-set lc 96m || return 1
    local t
    t=$(timeout 10 xenstore-read "/local/domain/$LC_ID/memory/target")
    [ "$t" = 98304 ] || { echo "memory/target '$t', want 98304"; return 1; }
    ballooned() { [ "$(row lc | awk '{ print $3 }')" -le 97 ]; }
    until_true 30 ballooned || { echo "xl list lc: '$(row lc)' 30 s after mem-set 96m"; return 1; }
    echo "$(row lc)"
}

t_lc_rename() {
    needs lc_create || return 1
    x rename lc lc-renamed || return 1
    [ "$(domid lc-renamed)" = "$LC_ID" ] || { echo "domid lc-renamed '$(domid lc-renamed)'"; return 1; }
    domid lc >/dev/null && { echo "lc is still there by its old name"; return 1; }
    [ "$(timeout 10 xenstore-read "/local/domain/$LC_ID/name")" = lc-renamed ] ||
        { echo "xenstore name '$(xenstore-read "/local/domain/$LC_ID/name")'"; return 1; }
    x rename lc-renamed lc || return 1
    [ "$(domid lc)" = "$LC_ID" ] || { echo "not renamed back"; return 1; }
    echo "lc -> lc-renamed -> lc, domid $LC_ID"
}

t_lc_uptime() {
    needs lc_create || return 1
    local r
    r=$(x uptime lc | awk 'NR == 2')
    echo "$r" | awk -v id="$LC_ID" '$1 == "lc" && $2 == id && $3 ~ /^[0-9]+:[0-9][0-9]:[0-9][0-9]$/ { ok = 1 } END { exit !ok }' ||
        { echo "uptime lc '$r'"; return 1; }
    echo "$r"
}

t_lc_block_attach() {
    needs lc_marker || return 1
    dd if=/dev/zero of=/tmp/hot.img bs=1M count=8 2>/dev/null
    printf 'XENON-DISK-HOT-OK' | dd of=/tmp/hot.img conv=notrunc 2>/dev/null
    XL_TIMEOUT=60 x block-attach lc format=raw,vdev=xvdb,access=rw,target=/tmp/hot.img || return 1
    wait_log lc 'XENON-DOMU: disk xvdb XENON-DISK-HOT-OK' 40 >/dev/null ||
        { x block-list lc; echo "the guest did not read xvdb's marker within 40 s"; return 1; }
    x block-list lc | awk '$1 == 51728 && $4 == 4 { ok = 1 } END { exit !ok }' ||
        { x block-list lc; echo "block-list lc: no xvdb (51728) in state 4"; return 1; }
    echo "guest read XENON-DISK-HOT-OK from xvdb; $(x block-list lc | awk '$1 == 51728')"
}

t_lc_block_detach() {
    needs lc_block_attach || return 1
    XL_TIMEOUT=60 x block-detach lc xvdb || return 1
    wait_log lc 'XENON-DOMU: disk xvdb gone' 30 >/dev/null || { echo "the guest still has xvdb 30 s later"; return 1; }
    [ -z "$(x block-list lc | awk 'NR > 1')" ] || { x block-list lc; echo "block-list lc not empty"; return 1; }
    [ -z "$(losetup -a)" ] || { losetup -a; echo "loop device left"; return 1; }
    echo "xvdb gone from the guest, block-list empty, loop device freed"
}

t_lc_network_attach() {
    needs lc_marker || return 1
    XL_TIMEOUT=60 x network-attach lc bridge=xenbr0 mac=00:16:3e:00:00:03 || return 1
    wait_log lc 'XENON-DOMU: net eth0 ping' 60 >/dev/null || { x network-list lc; echo "no eth0 in the guest within 60 s"; return 1; }
    grep -aq 'XENON-DOMU: net eth0 ping 10.99.0.1 3/3' "$LOGD/guest-lc.log" ||
        { echo "$(grep -a 'net eth0 ping' "$LOGD/guest-lc.log" | tail -n1), want 3/3"; return 1; }
    [ -n "$(ls /sys/class/net/xenbr0/brif/ | grep "^vif$LC_ID\.")" ] || { echo "no vif$LC_ID.0 on xenbr0"; return 1; }
    echo "guest pinged dom0 3/3 through vif$LC_ID.0"
}

t_lc_network_detach() {
    needs lc_network_attach || return 1
    XL_TIMEOUT=60 x network-detach lc 0 || return 1
    wait_log lc 'XENON-DOMU: net eth0 gone' 30 >/dev/null || { echo "the guest still has eth0 30 s later"; return 1; }
    [ -z "$(x network-list lc | awk 'NR > 1')" ] || { x network-list lc; echo "network-list lc not empty"; return 1; }
    [ -z "$(ls /sys/class/net/ | grep '^vif')" ] || { echo "vif left: $(ls /sys/class/net | grep '^vif')"; return 1; }
    echo "eth0 gone from the guest, network-list empty, no vif left"
}

t_create_duplicate_name() {
    needs lc_create || return 1
    snapshot >/tmp/snap.base
    local base_free rc
    base_free=$(free_mib)
    cfg dup "" >/dev/null
    sed -i 's/^name = "dup"/name = "lc"/' /tmp/cfg/dup.cfg # the file dup.cfg, the name lc
    XL_TIMEOUT=90 x create /tmp/cfg/dup.cfg >/tmp/create.out 2>&1
    rc=$?
    cat /tmp/create.out
    [ $rc != 0 ] || { echo "a second domain named lc was created"; return 1; }
    grep -q 'Domain with name "lc" already exists' /tmp/create.out || { echo "no 'already exists' in xl's output"; return 1; }
    [ "$(domid lc)" = "$LC_ID" ] || { echo "lc is no longer domain $LC_ID"; return 1; }
    left_behind /tmp/snap.base "$base_free" || return 1
    echo "rc $rc: $(grep -m1 'already exists' /tmp/create.out | cut -c1-160)"
}

t_lc_reboot() {
    needs lc_marker || return 1
    local c new
    c=$(count lc 'XENON-DOMU: userspace up')
    x reboot lc || return 1
    rebooted() { new=$(domid lc) && [ -n "$new" ] && [ "$new" != "$LC_ID" ]; }
    until_true 60 rebooted || { echo "no new domain lc within 60 s (domid '$(domid lc)', was $LC_ID)"; return 1; }
    wait_log lc 'XENON-DOMU: userspace up' 150 $((c + 1)) >/dev/null ||
        { echo "domain $new (lc after reboot) printed no userspace marker within 150 s"; return 1; }
    x list "$LC_ID" >/dev/null 2>&1 && { echo "domain $LC_ID is still there"; return 1; }
    echo "lc rebooted as domain $new (was $LC_ID), userspace up again"
    LC_ID=$new
}

t_lc_shutdown() {
    needs lc_create || return 1
    local s
    s=$EPOCHREALTIME
    XL_TIMEOUT=90 x shutdown -w lc || { echo "xl shutdown -w failed ($?)"; return 1; }
    domid lc >/dev/null && { echo "lc is still there"; return 1; }
    left_behind /tmp/snap.idle "$BASE_FREE" || return 1
    echo "lc shut down in $(elapsed "$s") s, nothing left"
}

t_destroy_during_boot() {
    needs dom0_init_dom0 xl_info_memory || return 1
    snapshot >/tmp/snap.base
    XL_TIMEOUT=120 x create "$(cfg dd "")" || { echo "xl create failed ($?)"; return 1; }
    local booted=no
    [ "$(count dd 'XENON-DOMU: userspace up')" = 0 ] || booted=yes
    x destroy dd || return 1
    domid dd >/dev/null && { echo "dd is still there"; return 1; }
    left_behind /tmp/snap.base "$BASE_FREE" || return 1
    echo "destroyed before userspace (userspace up already: $booted), nothing left"
}

# --- split drivers: blkback + loop, netback + bridge ---------------------------------

t_drv_create() {
    needs dom0_init_dom0 xl_info_memory || return 1
    snapshot >/tmp/snap.drvbase
    dd if=/dev/zero of=/tmp/drv.img bs=1M count=16 2>/dev/null
    printf 'XENON-DISK-DRV-OK' | dd of=/tmp/drv.img conv=notrunc 2>/dev/null
    local s
    s=$EPOCHREALTIME
    XL_TIMEOUT=150 x create "$(cfg drv "xenon_ip=10.99.0.2" \
        'disk = [ "format=raw,vdev=xvda,access=rw,target=/tmp/drv.img" ]' \
        'vif = [ "bridge=xenbr0,mac=00:16:3e:00:00:02" ]')" || { echo "xl create failed ($?)"; return 1; }
    DRV_ID=$(domid drv)
    echo "domid $DRV_ID with a disk and a vif in $(elapsed "$s") s"
}

t_drv_disk() {
    needs drv_create || return 1
    wait_log drv 'XENON-DOMU: disk xvda' 150 >/dev/null || { tail -n 20 "$LOGD/guest-drv.log"; echo "the guest saw no xvda within 150 s"; return 1; }
    grep -aq 'XENON-DOMU: disk xvda XENON-DISK-DRV-OK' "$LOGD/guest-drv.log" ||
        { echo "$(grep -a 'disk xvda' "$LOGD/guest-drv.log"), want XENON-DISK-DRV-OK"; return 1; }
    echo "the guest read XENON-DISK-DRV-OK from xvda"
}

t_drv_ping() {
    needs drv_create || return 1
    wait_log drv 'XENON-DOMU: net eth0 ping' 90 >/dev/null || { echo "the guest saw no eth0 within 90 s"; return 1; }
    grep -aq 'XENON-DOMU: net eth0 ping 10.99.0.1 3/3' "$LOGD/guest-drv.log" ||
        { echo "$(grep -a 'net eth0 ping' "$LOGD/guest-drv.log"), want 3/3"; return 1; }
    echo "the guest pinged dom0 3/3"
}

t_drv_backends() {
    needs drv_create || return 1
    x block-list drv | awk '$1 == 51712 && $4 == 4 { ok = 1 } END { exit !ok }' ||
        { x block-list drv; echo "block-list drv: no xvda (51712) in state 4"; return 1; }
    x network-list drv | awk 'NR == 2 && $1 == 0 && $5 == 4 { ok = 1 } END { exit !ok }' ||
        { x network-list drv; echo "network-list drv: no vif 0 in state 4"; return 1; }
    echo "xvda and vif 0 connected (state 4)"
}

t_drv_destroy() {
    needs drv_create || return 1
    x destroy drv || return 1
    domid drv >/dev/null && { echo "drv is still there"; return 1; }
    left_behind /tmp/snap.drvbase "$BASE_FREE" || return 1
    echo "destroyed; no domain, backend, loop device, vif or memory left"
}

# --- the run --------------------------------------------------------------------------

ip link add xenbr0 type bridge && ip addr add 10.99.0.1/24 dev xenbr0 && ip link set xenbr0 up
BASE_FREE=
run xl_info t_xl_info
run xl_info_cpus t_xl_info_cpus
run xl_info_memory t_xl_info_memory
run xl_info_caps t_xl_info_caps
run xl_list t_xl_list
run xl_list_json t_xl_list_json
run xl_domid_domname t_xl_domid_domname
run xl_uptime t_xl_uptime
run xl_dmesg t_xl_dmesg
run xl_vcpu_list_dom0 t_xl_vcpu_list_dom0
run xl_cpupool_list t_xl_cpupool_list
run xl_sched_credit2_dom0 t_xl_sched_credit2_dom0
run create_missing_kernel t_create_missing_kernel
run create_garbage_kernel t_create_garbage_kernel
run create_too_much_memory t_create_too_much_memory
run create_bad_vcpus t_create_bad_vcpus
LC_START=$EPOCHREALTIME
run lc_create t_lc_create
run lc_marker t_lc_marker
run lc_console_log t_lc_console_log
run lc_list t_lc_list
run lc_list_json t_lc_list_json
run lc_domid_domname t_lc_domid_domname
run lc_pause t_lc_pause
run lc_unpause t_lc_unpause
run lc_vcpu_list t_lc_vcpu_list
run lc_vcpu_pin t_lc_vcpu_pin
run lc_sched_credit2 t_lc_sched_credit2
run lc_mem_set t_lc_mem_set
run lc_rename t_lc_rename
run lc_uptime t_lc_uptime
run lc_block_attach t_lc_block_attach
run lc_block_detach t_lc_block_detach
run lc_network_attach t_lc_network_attach
run lc_network_detach t_lc_network_detach
run create_duplicate_name t_create_duplicate_name
run lc_reboot t_lc_reboot
run lc_shutdown t_lc_shutdown
run destroy_during_boot t_destroy_during_boot
run drv_create t_drv_create
run drv_disk t_drv_disk
run drv_ping t_drv_ping
run drv_backends t_drv_backends
run drv_destroy t_drv_destroy
# Whatever is left (a step failed half-way) goes, so dom0 powers off cleanly.
x list 2>/dev/null | awk 'NR > 2 { print $1 }' | while read -r d; do timeout 30 xl destroy "$d"; done
# A failed step's story is often in xl's own logs and the guests' consoles: their ends
# go to the console for whoever reads the log.
if grep -q '^XENON-STEP [^ ]* FAIL' "$XENON_RESULTS"; then
    for f in /var/log/xen/xl-*.log "$LOGD"/guest-*.log; do
        [ -f "$f" ] && tail -n 25 "$f" | sed "s|^|    ${f##*/}: |"
    done
fi
step scenario_done PASS "all steps ran in $SECONDS s"
