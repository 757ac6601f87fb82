// EVTCHNOP_bind_virq: binding VIRQ_TIMER twice on one vCPU is -EEXIST; an undefined VIRQ
// -EINVAL; a vCPU the domain does not have -ENOENT; a global VIRQ (VIRQ_CONSOLE) on a vCPU
// other than 0 -EINVAL. EVTCHNOP_status reports the bound one as virq (4) on vCPU 0.
#include "public/event_channel.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    unsigned port, other;
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &port), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &other), -XEN_EEXIST);
    XT_CHECK_RC(xt::bind_virq(99, 0, &other), -XEN_EINVAL);
    XT_CHECK_RC(xt::bind_virq(NR_VIRQS, 0, &other), -XEN_EINVAL);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 1000, &other), -XEN_ENOENT);
    XT_CHECK_RC(xt::bind_virq(VIRQ_CONSOLE, 1, &other), -XEN_EINVAL);
    evtchn_status st{};
    st.dom = DOMID_SELF;
    st.port = port;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_status, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_virq);
    XT_CHECK_EQ(st.vcpu, 0);
    XT_CHECK_EQ(st.u.virq, VIRQ_TIMER);
    xt::report_success();
}
