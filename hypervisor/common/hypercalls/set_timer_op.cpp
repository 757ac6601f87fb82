// HYPERVISOR_set_timer_op: the original single-shot timer (absolute system time, ns).
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/vcpu_time.h"

namespace {
constexpr uint64_t kHugeFallbackNs = 100'000'000; // 100 ms
}

long do_set_timer_op(uint64_t a1, uint64_t, uint64_t, uint64_t, uint64_t) {
    const int64_t timeout = static_cast<int64_t>(a1);
    Vcpu& v = *current_vcpu();
    if (timeout == 0) {
        vcpu_stop_singleshot(v);
        return 0;
    }
    int64_t now = static_cast<int64_t>(guest_system_time());
    int64_t offset = timeout - now;
    // As Xen: a timeout that wrapped negative, or more than 2^50 ns (about 13 days)
    // ahead, is a guest's jiffies arithmetic gone wrong; it gets an event in 100 ms
    // instead of never or at once.
    if (timeout < 0 || (offset > 0 && static_cast<uint32_t>(offset >> 50) != 0)) {
        vcpu_set_singleshot(v, static_cast<uint64_t>(now) + kHugeFallbackNs);
        return 0;
    }
    vcpu_set_singleshot(v, static_cast<uint64_t>(timeout));
    return 0;
}
