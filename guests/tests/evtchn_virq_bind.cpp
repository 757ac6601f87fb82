// EVTCHNOP_bind_virq for the VIRQs a guest binds: per-vCPU ones (VIRQ_TIMER, VIRQ_DEBUG)
// on any vCPU the domain has, one port per vCPU; global ones (VIRQ_CONSOLE, VIRQ_DOM_EXC)
// on vCPU 0 only (-EINVAL elsewhere). Binding one twice on the same vCPU is -EEXIST;
// closed, it binds again. EVTCHNOP_status says virq with the VIRQ and vCPU.
#include "evtchn_util.h"

static void check_virq(unsigned port, unsigned virq, unsigned vcpu) {
    xen::evtchn_status st;
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, xen::EVTCHNSTAT_virq);
    XT_CHECK_EQ(st.u.virq, virq);
    XT_CHECK_EQ(st.vcpu, vcpu);
}

void test_main() {
    using namespace xen;
    ev::need_vcpu1_down();
    unsigned p[8], other;
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &p[0]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 1, &p[1]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 0, &p[2]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 1, &p[3]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_CONSOLE, 0, &p[4]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 0, &p[5]), 0);
    for (unsigned i = 0; i < 6; i++)
        for (unsigned j = 0; j < i; j++)
            XT_CHECK(p[i] != p[j]);
    check_virq(p[0], VIRQ_TIMER, 0);
    check_virq(p[1], VIRQ_TIMER, 1);
    check_virq(p[2], VIRQ_DEBUG, 0);
    check_virq(p[3], VIRQ_DEBUG, 1);
    check_virq(p[4], VIRQ_CONSOLE, 0);
    check_virq(p[5], VIRQ_DOM_EXC, 0);

    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 1, &other), -XEN_EEXIST);
    XT_CHECK_RC(xt::bind_virq(VIRQ_CONSOLE, 0, &other), -XEN_EEXIST);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 0, &other), -XEN_EEXIST);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 1, &other), -XEN_EINVAL);
    XT_CHECK_RC(xt::bind_virq(VIRQ_CONSOLE, 1, &other), -XEN_EINVAL);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 2000, &other), -XEN_ENOENT);

    XT_CHECK_RC(ev::close(p[3]), 0);
    XT_CHECK_RC(ev::close(p[5]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DEBUG, 1, &p[6]), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 0, &p[7]), 0);
    check_virq(p[6], VIRQ_DEBUG, 1);
    check_virq(p[7], VIRQ_DOM_EXC, 0);
    xt::report_success();
}
