// A FIFO guest that corrupts its own queues: LINK fields pointing past the event array
// and back into the queue (a loop), HEAD past the array, every READY bit set, LINKED on
// a port that is on no queue. The hypervisor never follows what the guest wrote: the
// next event still links behind the tail it knows (the tail's LINK rewritten, HEAD and
// READY left alone, no upcall while READY is set), a port left LINKED by the guest turns
// PENDING only and is not handed out again once closed (Xen's busy port), and the
// runtime's walk ends a queue at a LINK or HEAD outside the array. Once the guest clears
// the words and the control block, the next event starts a new queue at HEAD, as Xen
// 4.17 does.
#include "fifo.h"
#include "hostile.h"

namespace {

using namespace xt::fifo;
constexpr unsigned Q = xen::EVTCHN_FIFO_PRIORITY_DEFAULT;

long evtchn(unsigned cmd, uint32_t port) {
    uint32_t arg = port; // evtchn_send and evtchn_close are one port
    return xt::event_channel_op(cmd, &arg);
}

// A loopback pair with the bound end's bind-time event dropped; the unbound end unmasked.
void pair(unsigned* a, unsigned* b) {
    xen::evtchn_alloc_unbound u{xen::DOMID_SELF, xen::DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_alloc_unbound, &u), 0);
    xen::evtchn_bind_interdomain bi{xen::DOMID_SELF, u.port, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_bind_interdomain, &bi), 0);
    clear_pending(bi.local_port);
    unmask(u.port);
    *a = u.port;
    *b = bi.local_port;
}

void set(unsigned port, uint32_t value) {
    __atomic_store_n(word(port), value, __ATOMIC_SEQ_CST);
}

unsigned delivered;
void count(unsigned) {
    delivered = delivered + 1;
}

} // namespace

void test_main() {
    using namespace xen;
    XT_CHECK_RC(init(), 0);
    auto* cb = control_block(0);
    unsigned a1, b1, a2, b2, a3, b3, a4, b4;
    pair(&a1, &b1);
    pair(&a2, &b2);
    pair(&a3, &b3);
    pair(&a4, &b4);
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b1), 0);
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b2), 0);
    XT_CHECK_EQ(load(a1), PENDING | LINKED | a2);

    // Past the array, a loop back to a1, a wild HEAD, every READY bit.
    set(a1, PENDING | LINKED | LINK_MASK);
    set(a2, PENDING | LINKED | a1);
    __atomic_store_n(&cb->head[Q], LINK_MASK, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cb->ready, ~0u, __ATOMIC_SEQ_CST);
    __atomic_store_n(&xt::vcpu->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b3), 0);
    XT_CHECK_EQ(load(a2), PENDING | LINKED | a3); // the tail it knows
    XT_CHECK_EQ(load(a3), PENDING | LINKED);
    XT_CHECK_EQ(load(a1), PENDING | LINKED | LINK_MASK);
    XT_CHECK_EQ(cb->head[Q], LINK_MASK);
    XT_CHECK_EQ(cb->ready, ~0u);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 0);

    // The tail links to itself; the next event still goes behind it.
    set(a3, PENDING | LINKED | a3);
    set(a4, LINKED); // on no queue
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b4), 0);
    XT_CHECK_EQ(load(a4), PENDING | LINKED);
    XT_CHECK_EQ(load(a3), PENDING | LINKED | a3);

    // The walk stops at HEAD past the array; every other READY bit has HEAD 0.
    xt::set_event_hook(count);
    consume(0);
    XT_CHECK_EQ(delivered, 0u);
    XT_CHECK_EQ(cb->ready, 0u);

    // a4 is left LINKED and closed: the next port handed out is not a4.
    XT_CHECK_RC(evtchn(EVTCHNOP_close, a4), 0);
    XT_CHECK_RC(evtchn(EVTCHNOP_close, b4), 0);
    xen::evtchn_alloc_unbound u{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &u), 0);
    XT_CHECK_EQ(u.port, b4);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &u), 0);
    XT_CHECK(u.port != a4);
    XT_CHECK_RC(evtchn(EVTCHNOP_close, u.port), 0);
    XT_CHECK_RC(evtchn(EVTCHNOP_close, b4), 0);

    // Repaired, the queue starts again at HEAD.
    for (unsigned p : {a1, a2, a3, a4})
        set(p, 0);
    __atomic_store_n(&cb->head[Q], 0, __ATOMIC_SEQ_CST);
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b2), 0);
    XT_CHECK_EQ(cb->head[Q], a2);
    XT_CHECK_EQ(cb->ready, 1u << Q);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_pending, 1);
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b1), 0);
    XT_CHECK_EQ(load(a2), PENDING | LINKED | a1);
    unsigned before = xt::event_count[a1];
    xt::unmask_events();
    XT_CHECK_EQ(delivered, 2u);
    XT_CHECK_EQ(xt::event_count[a1], before + 1);
    xt::mask_events();
    XT_CHECK_RC(reset(), 0);
    hostile::pass();
}
