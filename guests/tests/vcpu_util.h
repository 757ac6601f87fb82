// Helpers for the secondary-vCPU tests (vcpu_*.cpp): a second vCPU that exists but is
// down (dom0 gets one per CPU, the runners give QEMU two), and other vCPUs' runstates.
#pragma once
#include "public/vcpu.h"
#include "runtime.h"

namespace vc {

inline void need_vcpu1_down() {
    long rc = xt::vcpu_op(xen::VCPUOP_is_up, 1);
    if (rc != 0)
        xt::report_error("VCPUOP_is_up(1) = %ld: need a second vCPU, down", rc);
}

inline xen::vcpu_runstate_info runstate_info(unsigned id) {
    xen::vcpu_runstate_info rs;
    long rc = xt::vcpu_op(xen::VCPUOP_get_runstate_info, id, &rs);
    if (rc)
        xt::report_error("VCPUOP_get_runstate_info(%u) returned %ld", id, rc);
    return rs;
}

inline int runstate(unsigned id) {
    return runstate_info(id).state;
}

// Spins until vCPU id is in `state`; fails the test after `ns` nanoseconds.
inline void wait_runstate(unsigned id, int state, uint64_t ns, const char* what) {
    uint64_t end = xt::system_time_ns() + ns;
    while (runstate(id) != state)
        if (xt::system_time_ns() > end)
            xt::report_failure("%s: vCPU %u runstate %d, expected %d", what, id, runstate(id),
                               state);
}

// Spins until *flag == want; fails the test after `ns` nanoseconds.
inline void wait_flag(const volatile unsigned* flag, unsigned want, uint64_t ns, const char* what) {
    uint64_t end = xt::system_time_ns() + ns;
    while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != want)
        if (xt::system_time_ns() > end)
            xt::report_failure("%s: flag %u, expected %u", what, *flag, want);
}

} // namespace vc
