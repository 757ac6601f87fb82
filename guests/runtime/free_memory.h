// The hypervisor's free memory, for tests that check a domain's teardown leaks nothing.
#pragma once
#include "public/sysctl.h"
#include "runtime.h"

namespace xt {

inline uint64_t free_pages() {
    static xen::xen_sysctl sc;
    sc = {};
    sc.cmd = xen::XEN_SYSCTL_physinfo;
    sc.interface_version = xen::XEN_SYSCTL_INTERFACE_VERSION;
    XT_CHECK_RC(hypercall(xen::HYPERVISOR_sysctl, arg(&sc)), 0);
    return sc.u.physinfo.free_pages;
}

// Free memory once it has stopped changing for a second (Xen frees a destroyed domain's
// last structures after an RCU grace period, at times a second later), polled every
// 20 ms at most max_polls times.
inline uint64_t settled_free_pages(unsigned max_polls) {
    uint64_t last = free_pages(), now;
    for (unsigned same = 0, i = 0; same < 50 && i < max_polls; i++) {
        sleep_ns(20'000'000);
        now = free_pages();
        same = now == last ? same + 1 : 0;
        last = now;
    }
    return last;
}

} // namespace xt
