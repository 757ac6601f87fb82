// SCHEDOP_block enables events and returns at once when an event is pending for the vCPU
// (its upcall runs first). A port that is pending but masked in evtchn_mask is no reason
// to return: the vCPU sleeps until the next unmasked event, here its singleshot timer.
#include "evtchn_util.h"
#include "public/sched.h"

void test_main() {
    using namespace xen;
    unsigned ipi;
    XT_CHECK_RC(ev::bind_ipi(0, &ipi), 0);
    xt::timer_init(); // VIRQ_TIMER bound, periodic timer off, events on
    xt::unmask_port(ipi);

    // Pending with events off: block returns with them on, the upcall having run.
    xt::mask_events();
    XT_CHECK_RC(ev::send(ipi), 0);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 1);
    XT_CHECK_RC(xt::sched_op(SCHEDOP_block), 0);
    XT_CHECK_EQ(xt::event_count[ipi], 1);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 0);

    // Pending but masked: block sleeps until the timer.
    ev::set_mask(ipi);
    XT_CHECK_RC(ev::send(ipi), 0);
    XT_CHECK(ev::pending(ipi));
    xt::mask_events();
    unsigned ticks = xt::event_count[xt::timer_port];
    uint64_t start = xt::system_time_ns();
    vcpu_set_singleshot_timer t{start + 50000000, 0};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    XT_CHECK_RC(xt::sched_op(SCHEDOP_block), 0);
    uint64_t waited = xt::system_time_ns() - start;
    xt::printf("masked pending port: block returned after %lu ns\n", waited);
    XT_CHECK(waited >= 50000000);
    XT_CHECK_EQ(xt::event_count[xt::timer_port], ticks + 1);
    XT_CHECK_EQ(xt::event_count[ipi], 1);
    XT_CHECK(ev::pending(ipi));
    xt::report_success();
}
