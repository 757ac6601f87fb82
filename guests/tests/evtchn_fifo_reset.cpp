// EVTCHNOP_reset of a FIFO domain closes every port (loopback ends, IPI, VIRQ) and takes
// it back to the 2-level ABI: expand_array is -EOPNOTSUPP and set_priority -ENOSYS again,
// a new port's event is in the shared_info bitmaps and reaches the 2-level upcall, the
// old control block sees nothing of it. The frames are let go: init_control on the same
// control-block page succeeds again, and so does a second reset.
#include "evtchn_fifo_util.h"

namespace {
alignas(4096) uint32_t spare_page[1024];
}

void test_main() {
    using namespace xen;
    using namespace xt::fifo;
    XT_CHECK_RC(init(), 0);
    unsigned a, b, ipi, virq;
    fq::loopback(&a, &b);
    unmask(a);
    XT_CHECK_RC(ev::bind_ipi(0, &ipi), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 0, &virq), 0);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(load(a), PENDING | LINKED);
    XT_CHECK_RC(set_priority(ipi, 1), 0);

    XT_CHECK_RC(reset(), 0);
    for (unsigned p : {a, b, ipi, virq}) {
        evtchn_status st;
        XT_CHECK_RC(ev::status(p, &st), 0);
        XT_CHECK_EQ(st.status, EVTCHNSTAT_closed);
        XT_CHECK_RC(ev::send(p), -XEN_EINVAL);
    }
    evtchn_expand_array e{xt::mfn_of(spare_page)};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_expand_array, &e), -XEN_EOPNOTSUPP);

    // 2-level again.
    __atomic_store_n(&control_block(0)->ready, 0, __ATOMIC_SEQ_CST);
    unsigned c, d;
    ev::loopback(&c, &d);
    XT_CHECK_RC(set_priority(c, 1), -XEN_ENOSYS);
    ev::clear_pending(c);
    ev::clear_pending(d);
    xt::unmask_port(c);
    xt::unmask_events();
    unsigned before = xt::event_count[c];
    XT_CHECK_RC(ev::send(d), 0);
    XT_CHECK_EQ(xt::event_count[c], before + 1);
    XT_CHECK_EQ(control_block(0)->ready, 0u);
    xt::mask_events();

    XT_CHECK_RC(init(), 0);
    XT_CHECK_RC(set_priority(c, 1), 0);
    XT_CHECK_RC(reset(), 0);
    XT_CHECK_RC(reset(), 0);
    xt::report_success();
}
