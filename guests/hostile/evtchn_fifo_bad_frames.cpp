// FIFO control blocks and event-array pages in frames that are not the guest's writable
// RAM: a hypervisor frame (the L3 behind L4 slot 256), the guest's own L4, a pinned L1, a
// frame given back with XENMEM_decrease_reservation: init_control and expand_array refuse
// each with -EINVAL, as Xen 4.17. A frame that is a control block cannot become a page
// table (MMUEXT_PIN_L1_TABLE -EINVAL even with no mapping of it left in the guest): the
// hypervisor holds it writable until EVTCHNOP_reset lets it go, after which the pin
// succeeds. The domain's events keep working throughout.
#include "fifo.h"
#include "hostile.h"
#include "public/memory.h"
#include "pv_mmu.h"

namespace {

alignas(4096) uint8_t table_page[4096];
alignas(4096) uint8_t block_page[4096];
alignas(4096) uint8_t gone_page[4096];

long init_control(uint64_t gfn, uint32_t vcpu) {
    xen::evtchn_init_control c{gfn, 0, vcpu, 0, {}};
    return xt::event_channel_op(xen::EVTCHNOP_init_control, &c);
}
long expand(uint64_t gfn) {
    xen::evtchn_expand_array e{gfn};
    return xt::event_channel_op(xen::EVTCHNOP_expand_array, &e);
}

long evtchn(unsigned cmd, uint32_t port) {
    uint32_t arg = port; // evtchn_send and evtchn_close are one port
    return xt::event_channel_op(cmd, &arg);
}

// A loopback event reaches the runtime's upcall.
void check_events_work() {
    xen::evtchn_alloc_unbound u{xen::DOMID_SELF, xen::DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_alloc_unbound, &u), 0);
    xen::evtchn_bind_interdomain b{xen::DOMID_SELF, u.port, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_bind_interdomain, &b), 0);
    xt::fifo::clear_pending(b.local_port);
    xt::fifo::unmask(u.port);
    unsigned before = xt::event_count[u.port];
    xt::unmask_events();
    XT_CHECK_RC(evtchn(xen::EVTCHNOP_send, b.local_port), 0);
    XT_CHECK_EQ(xt::event_count[u.port], before + 1);
    xt::mask_events();
    XT_CHECK_RC(evtchn(xen::EVTCHNOP_close, u.port), 0);
    XT_CHECK_RC(evtchn(xen::EVTCHNOP_close, b.local_port), 0);
}

} // namespace

void test_main() {
    using namespace xen;
    const uint64_t xen_frame = hostile::mfn_of_pte(hostile::l4_table()[256]);
    const uint64_t l4 = hostile::l4_mfn();
    const uint64_t table = xt::mfn_of(table_page);
    const uint64_t block = xt::mfn_of(block_page);
    const uint64_t gone = xt::mfn_of(gone_page);

    // A pinned L1 (mapped read-only, as it must be) and a frame given back.
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(table_page), hostile::pte(table, 0), UVMF_INVLPG),
                0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L1_TABLE, table), 0);
    XT_CHECK_RC(hostile::unmap(gone_page), 0);
    uint64_t list[1] = {gone};
    xen::xen_memory_reservation r{{reinterpret_cast<uint64_t>(list)}, 1, 0, 0, DOMID_SELF};
    XT_CHECK_RC(xt::memory_op(XENMEM_decrease_reservation, &r), 1);

    for (uint64_t bad : {xen_frame, l4, table, gone})
        XT_CHECK_RC(init_control(bad, 0), -XEN_EINVAL);
    XT_CHECK_RC(expand(xt::mfn_of(block_page)), -XEN_EOPNOTSUPP); // still 2-level

    XT_CHECK_RC(xt::fifo::init(), 0);
    for (uint64_t bad : {xen_frame, l4, table, gone}) {
        XT_CHECK_RC(expand(bad), -XEN_EINVAL);
        XT_CHECK_RC(init_control(bad, 1), -XEN_EINVAL);
    }
    check_events_work();

    // vCPU 1's control block, then no mapping of it left: it still cannot be pinned.
    XT_CHECK_RC(init_control(block, 1), 0);
    XT_CHECK_RC(hostile::unmap(block_page), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L1_TABLE, block), -XEN_EINVAL);
    check_events_work();
    XT_CHECK_RC(xt::fifo::reset(), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L1_TABLE, block), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_UNPIN_TABLE, block), 0);
    XT_CHECK_RC(hostile::remap(block_page, hostile::pte(block, xt::PTE_RW | xt::PTE_D)), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_UNPIN_TABLE, table), 0);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(table_page),
                                      hostile::pte(table, xt::PTE_RW | xt::PTE_D), UVMF_INVLPG),
                0);
    XT_CHECK_RC(xt::fifo::init(), 0);
    check_events_work();
    XT_CHECK_RC(xt::fifo::reset(), 0);
    hostile::pass();
}
