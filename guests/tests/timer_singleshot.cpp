// VCPUOP_set_singleshot_timer 10 ms ahead, then SCHEDOP_block: the vCPU sleeps until the
// timer sends VIRQ_TIMER (bound with EVTCHNOP_bind_virq, delivered through the event
// callback), no earlier than the deadline. Xen 4.17 under TCG: ~10.8 ms.
#include "runtime.h"

void test_main() {
    uint64_t slept = xt::sleep_ns(10000000);
    xt::printf("slept %lu ns, %u upcalls\n", slept, xt::upcalls);
    XT_CHECK(slept >= 10000000);
    XT_CHECK(slept < 2000000000);
    XT_CHECK(xt::event_count[xt::timer_port] >= 1);
    xt::report_success();
}
