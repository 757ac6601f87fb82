// Unmasking under FIFO. A masked port that is sent turns PENDING only (no LINKED, HEAD,
// READY or upcall); EVTCHNOP_unmask clears MASKED and, the port being PENDING, links it:
// HEAD, READY and the upcall, and the walk hands it on once. Unmasking a port that is not
// pending links nothing, nor does unmasking one that is linked already. A guest that
// clears MASKED in the word itself while PENDING gets no link (the hypervisor is not
// told): EVTCHNOP_unmask of the now unmasked port links it. With events enabled the
// upcall runs before EVTCHNOP_unmask returns. A port that does not exist is -EINVAL, a
// free one 0.
#include "evtchn_fifo_util.h"

void test_main() {
    using namespace xen;
    using namespace xt::fifo;
    constexpr unsigned Q = EVTCHN_FIFO_PRIORITY_DEFAULT;
    XT_CHECK_RC(init(), 0);
    unsigned a, b, c, d;
    fq::loopback(&a, &b);
    fq::loopback(&c, &d);
    fq::clear_upcall_pending();

    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_EQ(load(a), PENDING | MASKED);
    XT_CHECK_EQ(fq::ready(), 0u);
    XT_CHECK_EQ(fq::head(Q), 0u);
    XT_CHECK_EQ(fq::upcall_pending(), 0);
    XT_CHECK_RC(ev::unmask(a), 0);
    XT_CHECK_EQ(load(a), PENDING | LINKED);
    XT_CHECK_EQ(fq::head(Q), a);
    XT_CHECK_EQ(fq::ready(), 1u << Q);
    XT_CHECK_EQ(fq::upcall_pending(), 1);
    XT_CHECK_RC(ev::unmask(a), 0); // linked already: nothing changes
    XT_CHECK_EQ(load(a), PENDING | LINKED);
    XT_CHECK_EQ(fq::ready(), 1u << Q);
    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a);

    // Not pending: unmasked, nothing linked.
    XT_CHECK_RC(ev::unmask(c), 0);
    XT_CHECK_EQ(load(c), 0u);
    XT_CHECK_EQ(fq::ready(), 0u);

    // The guest clears MASKED of a pending port by itself: no link until EVTCHNOP_unmask.
    mask(a);
    XT_CHECK_RC(ev::send(b), 0);
    __atomic_fetch_and(word(a), ~MASKED, __ATOMIC_SEQ_CST);
    XT_CHECK_EQ(load(a), PENDING);
    XT_CHECK_EQ(fq::ready(), 0u);
    XT_CHECK_RC(ev::unmask(a), 0);
    XT_CHECK_EQ(load(a), PENDING | LINKED);
    XT_CHECK_EQ(fq::head(Q), a);
    consume(0);
    FQ_CHECK_SEEN(a, a);

    XT_CHECK_RC(ev::unmask(5000), -XEN_EINVAL);
    XT_CHECK_RC(ev::unmask(63), 0);

    // Events enabled: the upcall comes on the way out of EVTCHNOP_unmask.
    mask(c);
    XT_CHECK_RC(ev::send(d), 0);
    fq::clear_upcall_pending();
    xt::unmask_events();
    unsigned upcalls = xt::upcalls;
    XT_CHECK_EQ(load(c), PENDING | MASKED);
    unmask(c);
    FQ_CHECK_SEEN(a, a, c);
    XT_CHECK_EQ(xt::upcalls, upcalls + 1);
    XT_CHECK_EQ(load(c), 0u);
    xt::mask_events();
    XT_CHECK_RC(reset(), 0);
    xt::report_success();
}
