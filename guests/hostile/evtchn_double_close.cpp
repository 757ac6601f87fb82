// Closing an event channel twice: the first close is 0, the second -EINVAL; sending on
// the closed port is -EINVAL and its status reads closed. The same for an unbound port, a loopback pair (closing one end leaves the other unbound),
// a VIRQ and an IPI port. A closed port number is handed out again by the next allocation.
#include "hostile.h"

static long op(unsigned cmd, void *a) {
    return xt::event_channel_op(cmd, a);
}

static void close_twice(uint32_t port) {
    using namespace xen;
    evtchn_close c{port};
    XT_CHECK_RC(op(EVTCHNOP_close, &c), 0);
    XT_CHECK_RC(op(EVTCHNOP_close, &c), -XEN_EINVAL);
    evtchn_send s{port};
    XT_CHECK_RC(op(EVTCHNOP_send, &s), -XEN_EINVAL);
    evtchn_status st{DOMID_SELF, port, 77, 77, {}};
    XT_CHECK_RC(op(EVTCHNOP_status, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_closed);
}

void test_main() {
    using namespace xen;
    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(op(EVTCHNOP_alloc_unbound, &au), 0);
    uint32_t first = au.port;
    close_twice(au.port);

    XT_CHECK_RC(op(EVTCHNOP_alloc_unbound, &au), 0);
    XT_CHECK_EQ(au.port, first); // reused
    evtchn_bind_interdomain bi{DOMID_SELF, au.port, 0};
    XT_CHECK_RC(op(EVTCHNOP_bind_interdomain, &bi), 0);
    close_twice(bi.local_port);
    evtchn_status st{DOMID_SELF, au.port, 0, 0, {}};
    XT_CHECK_RC(op(EVTCHNOP_status, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    close_twice(au.port);

    unsigned port;
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 0, &port), 0);
    close_twice(port);
    evtchn_bind_ipi ipi{0, 0};
    XT_CHECK_RC(op(EVTCHNOP_bind_ipi, &ipi), 0);
    close_twice(ipi.port);
    // Bindings can be made again afterwards.
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 0, &port), 0);
    XT_CHECK_RC(op(EVTCHNOP_bind_ipi, &ipi), 0);
    hostile::pass();
}
