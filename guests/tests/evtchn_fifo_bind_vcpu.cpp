// EVTCHNOP_bind_vcpu under FIFO. A port raised towards a vCPU without a control block is
// dropped (not even PENDING), as Xen drops it. With blocks for vCPUs 0 and 1 (vCPU 1
// down): a port linked on vCPU 0's queue and then moved to vCPU 1 stays on vCPU 0's
// queue (sending it again changes nothing, it is linked) and is handed on there; its next
// event goes to vCPU 1: vCPU 1's HEAD and READY bit, vCPU 1's upcall flag, nothing on vCPU
// 0. Moved back while still linked on vCPU 1 it is passed there, and its next event is
// vCPU 0's again (vCPU 1's queue does not take it as its tail: a port that follows there
// starts a new HEAD).
#include "evtchn_fifo_util.h"

void test_main() {
    using namespace xen;
    using namespace xt::fifo;
    constexpr unsigned Q = EVTCHN_FIFO_PRIORITY_DEFAULT;
    ev::need_vcpu1_down();
    XT_CHECK_RC(init(), 0);
    unsigned a, b, c, d;
    fq::loopback(&a, &b);
    fq::loopback(&c, &d);
    unmask(a);
    unmask(c);

    // vCPU 1 has no control block yet.
    XT_CHECK_RC(ev::bind_vcpu(a, 1), 0);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(load(a), 0u);
    XT_CHECK_RC(ev::bind_vcpu(a, 0), 0);
    XT_CHECK_RC(init_vcpu(1), 0);
    fq::clear_upcall_pending(0);
    fq::clear_upcall_pending(1);

    // Linked on vCPU 0, then moved.
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(fq::head(Q, 0), a);
    XT_CHECK_RC(ev::bind_vcpu(a, 1), 0);
    evtchn_status st;
    XT_CHECK_RC(ev::status(a, &st), 0);
    XT_CHECK_EQ(st.vcpu, 1);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(load(a), PENDING | LINKED);
    XT_CHECK_EQ(fq::ready(1), 0u);
    XT_CHECK_EQ(fq::upcall_pending(1), 0);
    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a);
    fq::clear_upcall_pending(0);

    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(load(a), PENDING | LINKED);
    XT_CHECK_EQ(fq::head(Q, 1), a);
    XT_CHECK_EQ(fq::ready(1), 1u << Q);
    XT_CHECK_EQ(fq::upcall_pending(1), 1);
    XT_CHECK_EQ(fq::ready(0), 0u);
    XT_CHECK_EQ(fq::upcall_pending(0), 0);

    // Moved back while linked on vCPU 1; c joins vCPU 1's queue behind nothing.
    XT_CHECK_RC(ev::bind_vcpu(a, 0), 0);
    XT_CHECK_RC(ev::bind_vcpu(c, 1), 0);
    fq::start_recording();
    consume(1);
    FQ_CHECK_SEEN(a);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(fq::head(Q, 0), a);
    XT_CHECK_EQ(fq::ready(0), 1u << Q);
    XT_CHECK_EQ(fq::ready(1), 0u);
    XT_CHECK_RC(ev::send(d), 0);
    XT_CHECK_EQ(fq::head(Q, 1), c);
    XT_CHECK_EQ(fq::ready(1), 1u << Q);
    XT_CHECK_EQ(load(a), PENDING | LINKED); // no LINK to c
    consume(0);
    consume(1);
    FQ_CHECK_SEEN(a, a, c);
    XT_CHECK_RC(reset(), 0);
    xt::report_success();
}
