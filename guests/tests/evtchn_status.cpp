// EVTCHNOP_status for every state a port of one domain can be in: reserved port 0 and
// free ports closed (0); unbound (1) with the domain allowed to bind (DOMID_SELF stands
// for the caller's own id; any other id is kept as given); interdomain (2) with the peer
// domain and port, on both ends of a loopback; virq (4) with the VIRQ and its vCPU; ipi
// (6). Closing one end of a loopback leaves the other unbound for the closer. The domain
// may be named by its own id; an unknown domain is -ESRCH, a port past the allocated ones
// -EINVAL.
#include "evtchn_util.h"

static xen::evtchn_status get(unsigned port, xen::domid_t dom = xen::DOMID_SELF) {
    xen::evtchn_status st;
    if (long rc = ev::status(port, &st, dom))
        xt::report_failure("status of port %u (dom %u): %ld", port, dom, rc);
    return st;
}

void test_main() {
    using namespace xen;
    ev::need_vcpu1_down();
    const domid_t self = 0; // the initial domain
    XT_CHECK_EQ(get(0).status, EVTCHNSTAT_closed);
    XT_CHECK_EQ(get(0).vcpu, 0);
    XT_CHECK_EQ(get(40).status, EVTCHNSTAT_closed);

    unsigned u_self, u_other, a, b, debug1, ipi1;
    XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &u_self), 0);
    XT_CHECK_RC(ev::alloc_unbound(7, &u_other), 0);
    auto st = get(u_self);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.u.unbound.dom, self);
    st = get(u_other, self);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.u.unbound.dom, 7);

    ev::loopback(&a, &b);
    st = get(a);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.u.interdomain.dom, self);
    XT_CHECK_EQ(st.u.interdomain.port, b);
    st = get(b);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.u.interdomain.dom, self);
    XT_CHECK_EQ(st.u.interdomain.port, a);
    XT_CHECK_EQ(st.vcpu, 0);

    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 1, &debug1), 0);
    st = get(debug1);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_virq);
    XT_CHECK_EQ(st.u.virq, VIRQ_DEBUG);
    XT_CHECK_EQ(st.vcpu, 1);

    XT_CHECK_RC(ev::bind_ipi(1, &ipi1), 0);
    st = get(ipi1);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    XT_CHECK_EQ(st.vcpu, 1);

    // Closing one end of the loopback: the other is unbound, for this domain.
    XT_CHECK_RC(ev::close(b), 0);
    XT_CHECK_EQ(get(b).status, EVTCHNSTAT_closed);
    st = get(a);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.u.unbound.dom, self);
    for (unsigned p : {u_self, u_other, a, debug1, ipi1}) {
        XT_CHECK_RC(ev::close(p), 0);
        XT_CHECK_EQ(get(p).status, EVTCHNSTAT_closed);
        XT_CHECK_EQ(get(p).vcpu, 0);
    }

    XT_CHECK_RC(ev::status(0, &st, 7), -XEN_ESRCH);
    XT_CHECK_RC(ev::status(0, &st, DOMID_IO), -XEN_ESRCH);
    XT_CHECK_RC(ev::status(4096, &st), -XEN_EINVAL);
    XT_CHECK_RC(ev::status(0xffffffff, &st), -XEN_EINVAL);
    xt::report_success();
}
