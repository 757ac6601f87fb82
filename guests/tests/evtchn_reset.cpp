// EVTCHNOP_reset of the caller's own domain (DOMID_SELF or its id) closes every port:
// unbound, both ends of a loopback, IPIs, VIRQs (which can then be bound again without
// -EEXIST), dropping their pending events; the lowest port is handed out again. An
// unknown domain is -ESRCH. EVTCHNOP_reset_cont (14), Xen's continuation of a preempted
// reset, is reachable by guests: with no reset under way it is -EBUSY.
#include "evtchn_util.h"

void test_main() {
    using namespace xen;
    unsigned u, a, b, ipi, timer, again;
    XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &u), 0);
    ev::loopback(&a, &b);
    XT_CHECK_RC(ev::bind_ipi(0, &ipi), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &timer), 0);
    xt::unmask_port(ipi);
    XT_CHECK_RC(ev::send(ipi), 0); // events masked: stays pending
    XT_CHECK(ev::pending(ipi));
    XT_CHECK(ev::pending(b));

    evtchn_reset r{DOMID_SELF};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, &r), 0);
    for (unsigned p : {u, a, b, ipi, timer}) {
        evtchn_status st;
        XT_CHECK_RC(ev::status(p, &st), 0);
        XT_CHECK_EQ(st.status, EVTCHNSTAT_closed);
        XT_CHECK(!ev::pending(p));
        XT_CHECK_RC(ev::send(p), -XEN_EINVAL);
    }
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &again), 0);
    XT_CHECK_EQ(again, 1u);

    r.dom = 0; // its own id
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, &r), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &again), 0);
    r.dom = 7;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, &r), -XEN_ESRCH);
    r.dom = DOMID_SELF;
    XT_CHECK_RC(xt::event_channel_op(14, &r), -XEN_EBUSY);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, reinterpret_cast<void*>(0x1000)), -XEN_EFAULT);
    xt::report_success();
}
