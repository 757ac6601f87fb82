// EVTCHNOP_bind_virq with VIRQ numbers that do not exist (24 = NR_VIRQS, 1000,
// 0x80000000, 0xffffffff) is -EINVAL; a global VIRQ (VIRQ_DOM_EXC) asked for on a vCPU
// other than 0 is -EINVAL; a per-vCPU VIRQ on a vCPU that does not exist (1000,
// 0xffffffff) is -ENOENT; EVTCHNOP_bind_ipi on vCPU 1000 is -ENOENT and on the
// non-existent pirq 0xffffffff bind_pirq is -EINVAL. Numbers below NR_VIRQS that Xen
// leaves unnamed (14, 15) bind fine.
#include "hostile.h"

void test_main() {
    using namespace xen;
    unsigned port = 77;
    for (unsigned virq : {24u, 25u, 1000u, 0x80000000u, 0xffffffffu})
        if (long rc = xt::bind_virq(virq, 0, &port); rc != -XEN_EINVAL)
            xt::report_failure("bind_virq(%u) = %ld, expected -EINVAL", virq, rc);
    XT_CHECK_EQ(port, 77);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 1, &port), -XEN_EINVAL);
    for (unsigned vcpu : {1000u, 0x80000000u, 0xffffffffu})
        if (long rc = xt::bind_virq(VIRQ_TIMER, vcpu, &port); rc != -XEN_ENOENT)
            xt::report_failure("bind_virq(TIMER, vcpu %u) = %ld, expected -ENOENT", vcpu, rc);
    evtchn_bind_ipi ipi{1000};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_ipi, &ipi), -XEN_ENOENT);
    evtchn_bind_pirq bp{0xffffffff, 0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_pirq, &bp), -XEN_EINVAL);
    XT_CHECK_RC(xt::bind_virq(14, 0, &port), 0);
    XT_CHECK_RC(xt::bind_virq(15, 0, &port), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &port), 0);
    hostile::pass();
}
