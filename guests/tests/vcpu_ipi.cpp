// IPIs between two vCPUs running at once: vCPU 1 waits until vCPU 0 is blocked in
// SCHEDOP_block, then raises an IPI port bound to vCPU 0, whose upcall wakes it; vCPU 0
// then waits until vCPU 1 is blocked in SCHEDOP_poll on its own IPI port and raises that.
#include "evtchn_util.h"
#include "public/sched.h"
#include "vcpu_util.h"

namespace {

unsigned port0, port1; // IPI ports bound to vCPU 0 and vCPU 1
volatile unsigned stage;
volatile long poll_rc = 1;

void secondary(void*) {
    vc::wait_runstate(0, xen::RUNSTATE_blocked, 5000000000ull, "vCPU 0 never blocked");
    XT_CHECK_RC(ev::send(port0), 0);
    xen::evtchn_port_t p = port1;
    xen::sched_poll poll{xen::make_guest_handle(&p), 1, 0}; // no timeout
    poll_rc = xt::sched_op(xen::SCHEDOP_poll, &poll);
    __atomic_store_n(&stage, 2, __ATOMIC_RELEASE);
}

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    XT_CHECK_RC(ev::bind_ipi(0, &port0), 0);
    XT_CHECK_RC(ev::bind_ipi(1, &port1), 0);
    ev::unmask(port0);
    ev::unmask(port1);
    XT_CHECK_RC(xt::start_vcpu(1, secondary, nullptr), 0);

    // Blocks with events enabled; only vCPU 1's IPI can wake it.
    for (unsigned i = 0; xt::event_count[port0] == 0; i++) {
        if (i == 100)
            xt::report_failure("vCPU 0 never got vCPU 1's IPI");
        xt::sched_op(xen::SCHEDOP_block);
    }
    xt::mask_events();
    xt::printf("vCPU 0 woken by vCPU 1's IPI on port %u\n", port0);

    vc::wait_runstate(1, xen::RUNSTATE_blocked, 5000000000ull, "vCPU 1 never polled");
    XT_CHECK_EQ(stage, 0u);
    XT_CHECK_RC(ev::send(port1), 0);
    vc::wait_flag(&stage, 2, 5000000000ull, "vCPU 1's poll never ended");
    XT_CHECK_EQ(poll_rc, 0);
    XT_CHECK(ev::pending(port1)); // a poll leaves the port pending
    xt::printf("vCPU 1 woken from SCHEDOP_poll by vCPU 0's IPI on port %u\n", port1);
    xt::report_success();
}
