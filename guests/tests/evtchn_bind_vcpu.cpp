// EVTCHNOP_bind_vcpu moves where a port's notifications go: unbound and interdomain ports
// and global VIRQs (VIRQ_DOM_EXC) may move to any vCPU the domain has; per-vCPU VIRQs
// (VIRQ_TIMER) and IPI ports may not (-EINVAL), nor may closed or reserved ports; a vCPU
// the domain does not have is -ENOENT, checked before the port. After the move, a send on
// the loopback peer raises vCPU 1's selector and upcall flag and not vCPU 0's; moved back,
// vCPU 0's upcall runs. EVTCHNOP_status names the vCPU; a port that is closed and
// allocated again notifies vCPU 0.
#include "evtchn_util.h"

void test_main() {
    using namespace xen;
    ev::need_vcpu1_down();
    unsigned a, b, ipi, timer, exc;
    ev::loopback(&a, &b);
    ev::clear_pending(b); // the bind marked it
    XT_CHECK_RC(ev::bind_ipi(0, &ipi), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_TIMER, 0, &timer), 0);
    XT_CHECK_RC(xt::bind_virq(VIRQ_DOM_EXC, 0, &exc), 0);

    evtchn_status st;
    XT_CHECK_RC(ev::bind_vcpu(a, 1), 0);
    XT_CHECK_RC(ev::status(a, &st), 0);
    XT_CHECK_EQ(st.vcpu, 1);
    XT_CHECK_RC(ev::bind_vcpu(exc, 1), 0);
    XT_CHECK_RC(ev::status(exc, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_virq);
    XT_CHECK_EQ(st.vcpu, 1);
    XT_CHECK_RC(ev::bind_vcpu(timer, 1), -XEN_EINVAL);
    XT_CHECK_RC(ev::bind_vcpu(ipi, 1), -XEN_EINVAL);
    XT_CHECK_RC(ev::bind_vcpu(0, 1), -XEN_EINVAL);  // reserved
    XT_CHECK_RC(ev::bind_vcpu(50, 1), -XEN_EINVAL); // free
    XT_CHECK_RC(ev::bind_vcpu(5000, 1), -XEN_EINVAL);
    XT_CHECK_RC(ev::bind_vcpu(a, 1000), -XEN_ENOENT);
    XT_CHECK_RC(ev::bind_vcpu(5000, 1000), -XEN_ENOENT);
    // Xen's default 10 ms periodic timer would raise VIRQ_TIMER on vCPU 0, whose upcall
    // handles every unmasked pending port of a selected word (port a too): close it.
    XT_CHECK_RC(ev::close(timer), 0);
    XT_CHECK_RC(ev::close(ipi), 0);

    // Notifications follow the binding.
    xt::unmask_port(a);
    xt::unmask_port(b);
    xt::unmask_events();
    unsigned upcalls = xt::upcalls;
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK(ev::pending(a));
    XT_CHECK(ev::selected(1, a));
    XT_CHECK_EQ(ev::vcpu_info(1)->evtchn_upcall_pending, 1);
    XT_CHECK_EQ(xt::upcalls, upcalls);
    XT_CHECK_EQ(xt::event_count[a], 0);

    ev::clear_pending(a);
    ev::clear_vcpu(1);
    XT_CHECK_RC(ev::bind_vcpu(a, 0), 0);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(xt::event_count[a], 1);
    XT_CHECK(!ev::selected(1, a));
    XT_CHECK_EQ(ev::vcpu_info(1)->evtchn_upcall_pending, 0);

    // An unbound port moves too; freed and allocated again it is back on vCPU 0.
    unsigned u, again;
    XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &u), 0);
    XT_CHECK_RC(ev::bind_vcpu(u, 1), 0);
    XT_CHECK_RC(ev::status(u, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.vcpu, 1);
    XT_CHECK_RC(ev::close(u), 0);
    XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &again), 0);
    XT_CHECK_EQ(again, u); // the lowest free port
    XT_CHECK_RC(ev::status(again, &st), 0);
    XT_CHECK_EQ(st.vcpu, 0);
    xt::report_success();
}
