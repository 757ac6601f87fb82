// EVTCHNOP_bind_ipi: a port that notifies one of the domain's own vCPUs. Sending on a
// port bound to vCPU 0 runs its upcall (events enabled). Sending on one bound to vCPU 1
// (which exists but is down) marks the port pending in shared_info and sets vCPU 1's
// selector bit and evtchn_upcall_pending, leaving vCPU 0's flags alone; a second send
// while pending changes nothing. A vCPU the domain does not have: -ENOENT. EVTCHNOP_status
// says ipi (6) and names the vCPU; bind_vcpu cannot move an IPI port (-EINVAL).
#include "evtchn_util.h"

void test_main() {
    using namespace xen;
    ev::need_vcpu1_down();
    unsigned p0, p1, bad = 77;
    XT_CHECK_RC(ev::bind_ipi(0, &p0), 0);
    XT_CHECK_RC(ev::bind_ipi(1, &p1), 0);
    XT_CHECK(p0 != p1);
    XT_CHECK_RC(ev::bind_ipi(1000, &bad), -XEN_ENOENT);
    XT_CHECK_RC(ev::bind_ipi(0xffffffff, &bad), -XEN_ENOENT);

    evtchn_status st;
    XT_CHECK_RC(ev::status(p1, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    XT_CHECK_EQ(st.vcpu, 1);
    XT_CHECK_RC(ev::bind_vcpu(p1, 0), -XEN_EINVAL);

    // To oneself: the upcall runs before the hypercall returns.
    xt::unmask_port(p0);
    xt::unmask_port(p1);
    xt::unmask_events();
    XT_CHECK_RC(ev::send(p0), 0);
    XT_CHECK_EQ(xt::event_count[p0], 1);
    XT_CHECK(!ev::pending(p0));

    // To vCPU 1: only its flags change.
    unsigned upcalls = xt::upcalls;
    XT_CHECK_RC(ev::send(p1), 0);
    XT_CHECK(ev::pending(p1));
    XT_CHECK(ev::selected(1, p1));
    XT_CHECK_EQ(ev::vcpu_info(1)->evtchn_upcall_pending, 1);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);
    XT_CHECK_EQ(xt::upcalls, upcalls);
    ev::clear_vcpu(1);
    XT_CHECK_RC(ev::send(p1), 0); // still pending: nothing is raised again
    XT_CHECK(!ev::selected(1, p1));
    XT_CHECK_EQ(ev::vcpu_info(1)->evtchn_upcall_pending, 0);

    XT_CHECK_RC(ev::close(p1), 0);
    XT_CHECK(!ev::pending(p1)); // closing drops the pending event
    XT_CHECK_RC(ev::send(p1), -XEN_EINVAL);
    xt::report_success();
}
