// SCHEDOP_poll (events disabled, as a poller has them) is ended by an event on the polled
// port long before its timeout: here VIRQ_TIMER from a singleshot timer 20 ms away, the
// poll's timeout 5 s away; the port is left pending. An event on a port that is masked in
// evtchn_mask and not polled does not end it: the poll runs to its timeout.
#include "evtchn_util.h"
#include "public/sched.h"

static uint64_t poll_with_timer(unsigned port, uint64_t timer_ns, uint64_t timeout_ns) {
    xen::evtchn_port_t p = port;
    uint64_t start = xt::system_time_ns();
    xen::vcpu_set_singleshot_timer t{start + timer_ns, 0};
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_set_singleshot_timer, 0, &t), 0);
    xen::sched_poll poll{xen::make_guest_handle(&p), 1, start + timeout_ns};
    XT_CHECK_RC(xt::sched_op(xen::SCHEDOP_poll, &poll), 0);
    return xt::system_time_ns() - start;
}

void test_main() {
    using namespace xen;
    xt::timer_init();
    xt::mask_events();
    unsigned timer = xt::timer_port, ipi;
    XT_CHECK_RC(ev::bind_ipi(0, &ipi), 0);
    ev::clear_pending(timer);

    uint64_t waited = poll_with_timer(timer, 20000000, 5000000000);
    xt::printf("polled port raised after 20 ms: returned after %lu ns\n", waited);
    XT_CHECK(waited >= 20000000);
    XT_CHECK(waited < 2000000000);
    XT_CHECK(ev::pending(timer));

    ev::clear_pending(timer);
    ev::set_mask(timer);
    waited = poll_with_timer(ipi, 20000000, 300000000);
    xt::printf("masked other port raised after 20 ms: returned after %lu ns\n", waited);
    XT_CHECK(waited >= 300000000);
    XT_CHECK(ev::pending(timer));
    xt::report_success();
}
