// Event channels to domains that do not exist:
//   bind_interdomain to domain 12345, DOMID_XEN or DOMID_INVALID      -> -ESRCH
//   bind_interdomain to the caller's own port 0 or an unallocated one -> -EINVAL
//   alloc_unbound *in* domain 12345 or DOMID_XEN                       -> -ESRCH
//   alloc_unbound for a remote domain 12345 that does not exist       -> 0: the port waits
//       for a domain that never comes (status unbound, remote 12345) and closes normally
//   EVTCHNOP_reset of domain 12345                                     -> -ESRCH
#include "hostile.h"

static long op(unsigned cmd, void *a) {
    return xt::event_channel_op(cmd, a);
}

void test_main() {
    using namespace xen;
    for (uint16_t dom : {uint16_t(12345), DOMID_XEN, DOMID_INVALID}) {
        evtchn_bind_interdomain bi{dom, 1, 77};
        if (long rc = op(EVTCHNOP_bind_interdomain, &bi); rc != -XEN_ESRCH)
            xt::report_failure("bind_interdomain(dom %u) = %ld, expected -ESRCH", dom, rc);
    }
    for (uint32_t port : {0u, 5u, 5000u}) {
        evtchn_bind_interdomain bi{DOMID_SELF, port, 77};
        if (long rc = op(EVTCHNOP_bind_interdomain, &bi); rc != -XEN_EINVAL)
            xt::report_failure("bind_interdomain(self, %u) = %ld, expected -EINVAL", port, rc);
    }
    for (uint16_t dom : {uint16_t(12345), DOMID_XEN}) {
        evtchn_alloc_unbound au{dom, DOMID_SELF, 77};
        if (long rc = op(EVTCHNOP_alloc_unbound, &au); rc != -XEN_ESRCH)
            xt::report_failure("alloc_unbound(dom %u) = %ld, expected -ESRCH", dom, rc);
    }
    evtchn_alloc_unbound au{DOMID_SELF, 12345, 0};
    XT_CHECK_RC(op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_status st{DOMID_SELF, au.port, 0, 0, {}};
    XT_CHECK_RC(op(EVTCHNOP_status, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.u.unbound.dom, 12345);
    evtchn_send s{au.port};
    XT_CHECK_RC(op(EVTCHNOP_send, &s), 0); // nobody listens: dropped
    evtchn_close c{au.port};
    XT_CHECK_RC(op(EVTCHNOP_close, &c), 0);
    evtchn_reset r{12345};
    XT_CHECK_RC(op(EVTCHNOP_reset, &r), -XEN_ESRCH);
    hostile::pass();
}
