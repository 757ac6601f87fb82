// VCPUOP_register_runstate_memory_area: 0, and the area is filled at once (state
// RUNSTATE_running, entered no later than now). After a 5 ms SCHEDOP_block the area shows
// a later state_entry_time and more blocked time (over 1 ms; blocked + runnable time grew
// no more than the sleep took: Xen 4.17 under TCG shows ~4.2 ms blocked). VCPUOP_get_runstate_info
// for vCPU 1 (dom0 gets 2 vCPUs, only vCPU 0 is up): RUNSTATE_offline. An area in Xen's
// range: -EFAULT.
#include "public/vcpu.h"
#include "runtime.h"

alignas(64) static xen::vcpu_runstate_info rs;

void test_main() {
    using namespace xen;
    memset(&rs, 0xff, sizeof rs);
    vcpu_register_runstate_memory_area a{};
    a.addr.p = reinterpret_cast<uint64_t>(&rs);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a), 0);
    uint64_t now = xt::system_time_ns();
    XT_CHECK_EQ(rs.state, RUNSTATE_running);
    XT_CHECK(rs.state_entry_time <= now);
    uint64_t entry = rs.state_entry_time, blocked = rs.time[RUNSTATE_blocked],
             runnable = rs.time[RUNSTATE_runnable];

    uint64_t slept = xt::sleep_ns(5000000);
    uint64_t more_blocked = rs.time[RUNSTATE_blocked] - blocked;
    uint64_t more_runnable = rs.time[RUNSTATE_runnable] - runnable;
    xt::printf("slept %lu ns: entry %lu -> %lu, blocked +%lu, runnable +%lu\n", slept, entry,
               rs.state_entry_time, more_blocked, more_runnable);
    XT_CHECK_EQ(rs.state, RUNSTATE_running);
    XT_CHECK(rs.state_entry_time > entry);
    XT_CHECK(more_blocked > 1000000);
    XT_CHECK(more_blocked + more_runnable <= slept + 1000000);

    vcpu_runstate_info other{};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_get_runstate_info, 0, &other), 0);
    XT_CHECK_EQ(other.state, RUNSTATE_running);

    a.addr.p = 0xffff830000000000;
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a), -XEN_EFAULT);
    xt::report_success();
}
