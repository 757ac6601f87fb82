// Event delivery through the FIFO control block (vCPU 0, every port at the default
// priority 7). An unmasked port sent to an empty queue becomes PENDING|LINKED, HEAD[7] and
// READY bit 7, and the vCPU's upcall is marked pending; the next ones link behind the tail
// (its LINK field), sending a linked port again changes nothing, a masked port only turns
// PENDING. The guest's walk (the runtime's, from HEAD along LINK) hands them on in the
// order sent and leaves no LINKED bit; the queue being empty again, the next event is the
// new HEAD and raises the upcall, which the runtime's upcall handler consumes. A port the
// guest cleared PENDING of while linked is passed over. A port pending in the 2-level
// bitmap at the switch stays pending and is linked once unmasked.
#include "evtchn_fifo_util.h"

void test_main() {
    using namespace xen;
    using namespace xt::fifo;
    constexpr unsigned Q = EVTCHN_FIFO_PRIORITY_DEFAULT;
    unsigned a0, b0;
    ev::loopback(&a0, &b0);
    ev::clear_pending(b0);
    ev::clear_pending(a0);
    XT_CHECK_RC(ev::send(b0), 0); // pending at the switch

    XT_CHECK_RC(init(), 0);
    XT_CHECK_EQ(load(a0), PENDING | MASKED);
    XT_CHECK_EQ(fq::ready(), 0u);

    unsigned a[4], b[4];
    for (unsigned i = 0; i < 4; i++) {
        fq::loopback(&a[i], &b[i]);
        if (i < 3)
            unmask(a[i]);
        XT_CHECK_EQ(load(a[i]), i < 3 ? 0u : MASKED);
    }
    fq::clear_upcall_pending();

    XT_CHECK_RC(ev::send(b[0]), 0);
    XT_CHECK_EQ(load(a[0]), PENDING | LINKED);
    XT_CHECK_EQ(fq::head(Q), a[0]);
    XT_CHECK_EQ(fq::ready(), 1u << Q);
    XT_CHECK_EQ(fq::upcall_pending(), 1);
    fq::clear_upcall_pending();

    XT_CHECK_RC(ev::send(b[1]), 0);
    XT_CHECK_RC(ev::send(b[2]), 0);
    XT_CHECK_RC(ev::send(b[0]), 0); // linked already
    XT_CHECK_RC(ev::send(b[3]), 0); // masked
    XT_CHECK_EQ(load(a[0]), PENDING | LINKED | a[1]);
    XT_CHECK_EQ(load(a[1]), PENDING | LINKED | a[2]);
    XT_CHECK_EQ(load(a[2]), PENDING | LINKED);
    XT_CHECK_EQ(load(a[3]), PENDING | MASKED);
    XT_CHECK_EQ(fq::head(Q), a[0]);
    XT_CHECK_EQ(fq::ready(), 1u << Q);
    XT_CHECK_EQ(fq::upcall_pending(), 0); // READY was set: no new upcall

    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a[0], a[1], a[2]);
    for (unsigned i = 0; i < 3; i++)
        XT_CHECK_EQ(load(a[i]), 0u);
    XT_CHECK_EQ(load(a[3]), PENDING | MASKED);
    XT_CHECK_EQ(fq::ready(), 0u);

    // Empty again: the next event is the new HEAD and raises the upcall.
    XT_CHECK_RC(ev::send(b[1]), 0);
    XT_CHECK_EQ(fq::head(Q), a[1]);
    XT_CHECK_EQ(fq::ready(), 1u << Q);
    XT_CHECK_EQ(fq::upcall_pending(), 1);

    // A linked port whose PENDING the guest cleared is passed over.
    XT_CHECK_RC(ev::send(b[2]), 0);
    clear_pending(a[1]);
    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a[2]);
    XT_CHECK_EQ(load(a[1]), 0u);

    // With events enabled the runtime's upcall walks the queue; the port pending at the
    // switch comes when unmasked (EVTCHNOP_unmask, as it is PENDING).
    fq::start_recording();
    unsigned upcalls = xt::upcalls;
    fq::clear_upcall_pending();
    xt::unmask_events();
    XT_CHECK_RC(ev::send(b[0]), 0);
    FQ_CHECK_SEEN(a[0]);
    unmask(a0);
    FQ_CHECK_SEEN(a[0], a0);
    unmask(a[3]);
    FQ_CHECK_SEEN(a[0], a0, a[3]);
    XT_CHECK_EQ(xt::upcalls, upcalls + 3);
    XT_CHECK_EQ(xt::event_count[a[3]], 1u);
    xt::mask_events();
    XT_CHECK_RC(reset(), 0);
    xt::report_success();
}
