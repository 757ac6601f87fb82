// Binding a VIRQ that is already bound is -EEXIST: the per-vCPU VIRQ_TIMER on vCPU 0 and
// the global VIRQ_DOM_EXC alike, however often it is tried. The first binding keeps
// working (its status names the VIRQ); after closing it the VIRQ can be bound again.
#include "hostile.h"

static long op(unsigned cmd, void *a) {
    return xt::event_channel_op(cmd, a);
}

void test_main() {
    using namespace xen;
    for (unsigned virq : {VIRQ_TIMER, VIRQ_DOM_EXC}) {
        unsigned port, again = 77;
        XT_CHECK_RC(xt::bind_virq(virq, 0, &port), 0);
        for (int i = 0; i < 16; i++)
            XT_CHECK_RC(xt::bind_virq(virq, 0, &again), -XEN_EEXIST);
        XT_CHECK_EQ(again, 77);
        evtchn_status st{DOMID_SELF, port, 0, 0, {}};
        XT_CHECK_RC(op(EVTCHNOP_status, &st), 0);
        XT_CHECK_EQ(st.status, EVTCHNSTAT_virq);
        XT_CHECK_EQ(st.u.virq, virq);
        evtchn_close c{port};
        XT_CHECK_RC(op(EVTCHNOP_close, &c), 0);
        XT_CHECK_RC(xt::bind_virq(virq, 0, &port), 0);
        XT_CHECK_RC(xt::bind_virq(virq, 0, &again), -XEN_EEXIST);
    }
    hostile::pass();
}
