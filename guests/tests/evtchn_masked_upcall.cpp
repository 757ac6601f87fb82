// With the vCPU's evtchn_upcall_mask set, sending on an unmasked port marks it pending:
// the port's bit in evtchn_pending, its word in evtchn_pending_sel, and
// evtchn_upcall_pending, but no upcall runs. Clearing the mask and making any hypercall
// delivers it. A port masked in evtchn_mask does not raise the upcall at all.
#include "public/event_channel.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    evtchn_bind_ipi ipi{0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
    unsigned p = ipi.port;
    xt::unmask_port(p);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    evtchn_send s{p};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::upcalls, 0);
    XT_CHECK(xt::shared->evtchn_pending[p / 64] & (1ull << (p % 64)));
    XT_CHECK(xt::vcpu->evtchn_pending_sel & (1ull << (p / 64)));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 1);
    xt::unmask_events();
    XT_CHECK_EQ(xt::event_count[p], 1);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);

    // Port masked: pending is set, no upcall is raised.
    __atomic_fetch_or(&xt::shared->evtchn_mask[p / 64], 1ull << (p % 64), __ATOMIC_SEQ_CST);
    unsigned before = xt::upcalls;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK(xt::shared->evtchn_pending[p / 64] & (1ull << (p % 64)));
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);
    XT_CHECK_EQ(xt::upcalls, before);
    // EVTCHNOP_unmask of a pending port raises the upcall then.
    xt::unmask_port(p);
    xt::sched_op(0); // any hypercall: the upcall is delivered on the way out
    XT_CHECK_EQ(xt::event_count[p], 2);
    xt::report_success();
}
