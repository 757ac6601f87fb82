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
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_periodic_timer, 0, reinterpret_cast<void *>(0x1000)),
                -XEN_EFAULT);

    xt::timer_init(); // VIRQ_TIMER bound and unmasked, periodic timer stopped
    unsigned before = xt::event_count[xt::timer_port];
    vcpu_set_periodic_timer p{2000000};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
    uint64_t start = xt::system_time_ns();
    while (xt::event_count[xt::timer_port] < before + 5 &&
           xt::system_time_ns() - start < 2000000000)
        asm volatile("pause");
    uint64_t took = xt::system_time_ns() - start;
    unsigned ticks = xt::event_count[xt::timer_port] - before;
    xt::printf("%u ticks in %lu ns\n", ticks, took);
    XT_CHECK(ticks >= 5);
    XT_CHECK(took >= 4 * 2000000 - 500000); // 5 ticks span at least 4 periods (first may be at once)
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_stop_periodic_timer, 0), 0);
    xt::report_success();
}
