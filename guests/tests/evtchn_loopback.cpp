// A loopback event channel: EVTCHNOP_alloc_unbound(DOMID_SELF, remote DOMID_SELF) gives
// a port, EVTCHNOP_bind_interdomain to it a second one, which Xen marks pending straight
// away (a notification sent before the bind is not lost); EVTCHNOP_send on either raises
// the other (the upcall runs before the hypercall returns, events being enabled).
// EVTCHNOP_status says interdomain (2). After EVTCHNOP_close, closing or sending again is
// -EINVAL.
#include "public/event_channel.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_bind_interdomain bi{DOMID_SELF, au.port, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    XT_CHECK(bi.local_port != au.port);
    auto pending = [](unsigned p) { return (xt::shared->evtchn_pending[p / 64] >> (p % 64)) & 1; };
    XT_CHECK_EQ(pending(bi.local_port), 1);
    XT_CHECK_EQ(pending(au.port), 0);
    xt::unmask_port(au.port);
    xt::unmask_port(bi.local_port);
    xt::unmask_events();
    XT_CHECK_EQ(xt::event_count[bi.local_port], 1);
    XT_CHECK_EQ(xt::event_count[au.port], 0);

    evtchn_send s{bi.local_port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::event_count[au.port], 1);
    XT_CHECK_EQ(xt::event_count[bi.local_port], 1);
    s.port = au.port;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::event_count[bi.local_port], 2);
    XT_CHECK_EQ(xt::event_count[au.port], 1);

    evtchn_status st{};
    st.dom = DOMID_SELF;
    st.port = au.port;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_status, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.vcpu, 0);

    evtchn_close c{bi.local_port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_close, &c), 0);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_close, &c), -XEN_EINVAL);
    s.port = bi.local_port;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), -XEN_EINVAL);
    xt::report_success();
}
