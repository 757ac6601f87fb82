// EVTCHNOP_expand_array: -EOPNOTSUPP under 2-level; after init_control a frame that is not
// the domain's writable RAM (past RAM, its own L4) is -EINVAL; each call adds one page of
// 1024 event words, up to 128 pages (EVTCHN_FIFO_NR_CHANNELS ports), then -ENOSPC (the
// same frame may back several pages: each takes its own reference). Events raised before
// their word existed are not lost: one pending in the 2-level bitmap at the switch and one
// sent after it are both linked, in port order, once the first page arrives (its words
// unmasked); a port whose word has not come yet takes EVTCHNOP_unmask quietly.
#include "evtchn_fifo_util.h"

namespace {

alignas(4096) uint8_t block_page[4096];
alignas(4096) uint32_t first_page[1024];
alignas(4096) uint32_t more_page[1024];

long expand(uint64_t gfn) {
    xen::evtchn_expand_array e{gfn};
    return xt::event_channel_op(xen::EVTCHNOP_expand_array, &e);
}

uint32_t word(unsigned port) {
    return __atomic_load_n(&first_page[port], __ATOMIC_SEQ_CST);
}

} // namespace

void test_main() {
    using namespace xen;
    using xt::fifo::LINKED;
    using xt::fifo::PENDING;
    XT_CHECK_RC(expand(xt::mfn_of(first_page)), -XEN_EOPNOTSUPP);

    // c is pending in the 2-level bitmap when the domain switches; a is sent after.
    unsigned a, b, c, d;
    ev::loopback(&a, &b);
    ev::loopback(&c, &d);
    for (unsigned p : {a, b, c, d})
        ev::clear_pending(p);
    XT_CHECK_RC(ev::send(d), 0);
    XT_CHECK(ev::pending(c));

    auto* cb = reinterpret_cast<evtchn_fifo_control_block*>(block_page);
    evtchn_init_control ic{xt::mfn_of(block_page), 0, 0, 0, {}};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_init_control, &ic), 0);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK_RC(ev::unmask(a), 0); // no word yet: nothing to do
    XT_CHECK_EQ(cb->ready, 0u);

    const uint64_t l4 = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base));
    for (uint64_t bad : {uint64_t((1ull << 40) - 1), uint64_t(~0ull), l4})
        XT_CHECK_RC(expand(bad), -XEN_EINVAL);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_expand_array, reinterpret_cast<void*>(0x1000)),
                -XEN_EFAULT);
    XT_CHECK_EQ(cb->ready, 0u);

    XT_CHECK_RC(expand(xt::mfn_of(first_page)), 0);
    XT_CHECK_EQ(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    XT_CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    XT_CHECK_EQ(word(a), PENDING | LINKED | c);
    XT_CHECK_EQ(word(c), PENDING | LINKED);
    XT_CHECK_EQ(word(b), 0u);
    XT_CHECK_EQ(word(d), 0u);

    for (unsigned page = 1; page < EVTCHN_FIFO_NR_CHANNELS / 1024; page++)
        XT_CHECK_RC(expand(xt::mfn_of(more_page)), 0);
    XT_CHECK_RC(expand(xt::mfn_of(more_page)), -XEN_ENOSPC);
    XT_CHECK_RC(expand(~0ull), -XEN_ENOSPC); // the count is checked first

    // The array still works: the queue goes on behind c. The new ports' words start
    // MASKED, so that binding f (which raises it) links nothing.
    for (unsigned p = d + 1; p < 1024; p++)
        first_page[p] = xt::fifo::MASKED;
    unsigned e, f;
    ev::loopback(&e, &f);
    XT_CHECK_EQ(word(f), PENDING | xt::fifo::MASKED);
    __atomic_fetch_and(&first_page[e], ~xt::fifo::MASKED, __ATOMIC_SEQ_CST);
    XT_CHECK_RC(ev::send(f), 0);
    XT_CHECK_EQ(word(c), PENDING | LINKED | e);
    XT_CHECK_EQ(word(e), PENDING | LINKED);

    evtchn_reset r{DOMID_SELF};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, &r), 0);
    XT_CHECK_RC(expand(xt::mfn_of(first_page)), -XEN_EOPNOTSUPP);
    xt::report_success();
}
