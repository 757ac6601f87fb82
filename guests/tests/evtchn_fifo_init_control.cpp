// EVTCHNOP_init_control's checks, in Xen 4.17's order: a vCPU the domain lacks is -ENOENT
// (before the offset is looked at), an offset past 4096 - 72 or not 8-aligned -EINVAL, a
// frame that is not the domain's writable RAM (past RAM, its own L4) -EINVAL, a vCPU with
// a control block already -EINVAL; an unreadable argument -EFAULT. link_bits (17) is
// written back on success only. Until a call succeeds the domain stays 2-level
// (expand_array -EOPNOTSUPP, set_priority -ENOSYS, events in the shared_info bitmaps);
// afterwards set_priority answers (-EACCES for a port not in use), and EVTCHNOP_reset takes
// it back to 2-level, after which init_control succeeds again.
#include "evtchn_fifo_util.h"

namespace {

alignas(4096) uint8_t block_page[4096];
alignas(4096) uint8_t other_page[4096];

long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint32_t* link_bits = nullptr) {
    xen::evtchn_init_control c{gfn, offset, vcpu, 0xa5, {}};
    long rc = xt::event_channel_op(xen::EVTCHNOP_init_control, &c);
    if (link_bits)
        *link_bits = c.link_bits;
    else if (rc)
        XT_CHECK_EQ(c.link_bits, 0xa5); // not written back
    return rc;
}

long expand(uint64_t gfn) {
    xen::evtchn_expand_array e{gfn};
    return xt::event_channel_op(xen::EVTCHNOP_expand_array, &e);
}

// Still the 2-level ABI: the FIFO sub-ops refuse, a loopback event lands in the bitmap.
void check_two_level(unsigned a, unsigned b) {
    XT_CHECK_RC(expand(xt::mfn_of(other_page)), -xen::XEN_EOPNOTSUPP);
    XT_CHECK_RC(xt::fifo::set_priority(a, 3), -xen::XEN_ENOSYS);
    ev::clear_pending(a);
    XT_CHECK_RC(ev::send(b), 0);
    XT_CHECK(ev::pending(a));
    ev::clear_pending(a);
}

} // namespace

void test_main() {
    using namespace xen;
    unsigned a, b;
    ev::loopback(&a, &b);
    const uint64_t gfn = xt::mfn_of(block_page);
    const uint64_t l4 = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base));

    for (uint32_t vcpu : {2u, 1000u, ~0u}) {
        XT_CHECK_RC(init_control(gfn, 0, vcpu), -XEN_ENOENT);
        XT_CHECK_RC(init_control(gfn, 4, vcpu), -XEN_ENOENT);
    }
    for (uint32_t offset : {4032u, 4096u, 0xffffffffu, 4u, 4025u, 1u})
        XT_CHECK_RC(init_control(gfn, offset, 0), -XEN_EINVAL);
    for (uint64_t bad : {uint64_t((1ull << 40) - 1), uint64_t(~0ull), l4})
        XT_CHECK_RC(init_control(bad, 0, 0), -XEN_EINVAL);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_init_control, reinterpret_cast<void*>(0x1000)),
                -XEN_EFAULT);
    XT_CHECK_RC(xt::fifo::set_priority(5000, 3), -XEN_EINVAL); // no such port, either ABI
    check_two_level(a, b);

    // The last offset that fits; link_bits comes back.
    uint32_t link_bits = 0;
    XT_CHECK_RC(init_control(gfn, 4096 - sizeof(evtchn_fifo_control_block), 0, &link_bits), 0);
    XT_CHECK_EQ(link_bits, EVTCHN_FIFO_LINK_BITS);
    XT_CHECK_RC(init_control(xt::mfn_of(other_page), 0, 0), -XEN_EINVAL); // vCPU 0 has one
    XT_CHECK_RC(init_control(gfn, 0, 0), -XEN_EINVAL);
    XT_CHECK_RC(init_control(gfn, 0, 1000), -XEN_ENOENT);
    XT_CHECK_RC(init_control(l4, 0, 1), -XEN_EINVAL);
    XT_CHECK_RC(init_control(gfn, 0, 1, &link_bits), 0); // the same frame, below vCPU 0's
    XT_CHECK_RC(init_control(gfn, 0, 1), -XEN_EINVAL);

    XT_CHECK_RC(xt::fifo::set_priority(a, 3), 0);
    XT_CHECK_RC(xt::fifo::set_priority(0, 3), -XEN_EACCES);  // reserved
    XT_CHECK_RC(xt::fifo::set_priority(60, 3), -XEN_EACCES); // free
    XT_CHECK_RC(xt::fifo::set_priority(5000, 3), -XEN_EINVAL);

    evtchn_reset r{DOMID_SELF};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, &r), 0);
    ev::loopback(&a, &b);
    check_two_level(a, b);
    XT_CHECK_RC(init_control(gfn, 8, 0, &link_bits), 0);
    XT_CHECK_EQ(link_bits, EVTCHN_FIFO_LINK_BITS);
    XT_CHECK_RC(expand(xt::mfn_of(other_page)), 0);
    XT_CHECK_RC(xt::fifo::set_priority(a, 15), 0);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_reset, &r), 0);
    xt::report_success();
}
