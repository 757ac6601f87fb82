// EVTCHNOP_unmask clears the port's mask bit and, only if it was masked and the port is
// pending, raises it again towards the port's vCPU (selector bit, evtchn_upcall_pending;
// the upcall runs once events are enabled). Unmasking a port that was not masked raises
// nothing, even if it is pending; a masked port that is not pending raises nothing. For a
// port bound to vCPU 1 it is vCPU 1's flags that are set. A port past the allocated ones:
// -EINVAL.
#include "evtchn_util.h"

void test_main() {
    using namespace xen;
    ev::need_vcpu1_down();
    unsigned p, q;
    XT_CHECK_RC(ev::bind_ipi(0, &p), 0);
    XT_CHECK_RC(ev::bind_ipi(1, &q), 0);

    // Masked and pending: unmask raises it.
    ev::set_mask(p);
    XT_CHECK_RC(ev::send(p), 0);
    XT_CHECK(ev::pending(p));
    XT_CHECK(!ev::selected(0, p));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);
    XT_CHECK_RC(ev::unmask(p), 0);
    XT_CHECK(!ev::masked(p));
    XT_CHECK(ev::selected(0, p));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 1);
    XT_CHECK_EQ(xt::event_count[p], 0); // events are still disabled
    xt::unmask_events();
    XT_CHECK_EQ(xt::event_count[p], 1);

    // Not masked but pending: nothing is raised again.
    xt::mask_events();
    XT_CHECK_RC(ev::send(p), 0);
    ev::clear_vcpu(0);
    XT_CHECK(ev::pending(p));
    XT_CHECK_RC(ev::unmask(p), 0);
    XT_CHECK(!ev::selected(0, p));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);
    ev::clear_pending(p);

    // Masked but not pending: nothing either.
    ev::set_mask(p);
    XT_CHECK_RC(ev::unmask(p), 0);
    XT_CHECK(!ev::masked(p));
    XT_CHECK(!ev::selected(0, p));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);

    // A port of vCPU 1: its flags.
    ev::set_mask(q);
    XT_CHECK_RC(ev::send(q), 0);
    XT_CHECK(!ev::selected(1, q));
    XT_CHECK_RC(ev::unmask(q), 0);
    XT_CHECK(ev::selected(1, q));
    XT_CHECK_EQ(ev::vcpu_info(1)->evtchn_upcall_pending, 1);
    XT_CHECK(!ev::selected(0, q));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);

    XT_CHECK_RC(ev::unmask(4096), -XEN_EINVAL);
    XT_CHECK_RC(ev::unmask(0), 0); // reserved, but a valid port number
    xt::report_success();
}
