// VCPUOP_set_periodic_timer: periods below 1 ms, 0, and absurdly large ones are -EINVAL,
// an unreadable argument -EFAULT; a 2 ms period delivers VIRQ_TIMER ticks while the vCPU
// runs (Xen stops a vCPU's periodic timer while it is blocked, so this spins);
// VCPUOP_stop_periodic_timer returns 0.
#include "public/vcpu.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    for (uint64_t bad : {0ull, 1ull, 999999ull, 1ull << 62, ~0ull}) {
        vcpu_set_periodic_timer p{bad};
        if (long rc = xt::vcpu_op(VCPUOP_set_periodic_timer, 0, &p); rc != -XEN_EINVAL)
            xt::report_failure("period %#lx ns: %ld, expected -EINVAL", bad, rc);
    }
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_periodic_timer, 0, reinterpret_cast<void*>(0x1000)),
                -XEN_EFAULT);

    xt::timer_init(); // VIRQ_TIMER bound and unmasked, periodic timer stopped
    unsigned before = xt::event_count[xt::timer_port];
    vcpu_set_periodic_timer p{2000000};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
    // Timed from the first tick (Xen raises one at once), so that the time the guest
    // takes to come back from the hypercall does not count; a host that preempts QEMU can
    // still delay one tick's delivery, hence three periods for four ticks, not four: a
    // timer that ignored the period would fire them within microseconds.
    uint64_t deadline = xt::system_time_ns() + 2000000000;
    while (xt::event_count[xt::timer_port] < before + 1 && xt::system_time_ns() < deadline)
        asm volatile("pause");
    uint64_t first = xt::system_time_ns();
    unsigned first_count = xt::event_count[xt::timer_port];
    while (xt::event_count[xt::timer_port] < first_count + 4 && xt::system_time_ns() < deadline)
        asm volatile("pause");
    uint64_t took = xt::system_time_ns() - first;
    unsigned ticks = xt::event_count[xt::timer_port] - first_count;
    xt::printf("%u ticks after the first in %lu ns\n", ticks, took);
    XT_CHECK(ticks >= 4);
    XT_CHECK(took >= 3 * 2000000);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_stop_periodic_timer, 0), 0);
    xt::report_success();
}
