// Helpers for the guests that transfer frames (GNTTABOP_transfer): grant_transfer*.cpp,
// crossdomain/grant_transfer.cpp and hostile/grant_transfer_abuse.cpp. A PV guest gives
// away a page of its image: filled with a pattern, unmapped (so that nothing but its
// allocation holds the frame), its p2m slot (start_info->mfn_list) invalidated. The
// receiver takes the frame its accept-transfer entry names back: M2P entry set with
// MMU_MACHPHYS_UPDATE, p2m slot and mapping (update_va_mapping) at a page of its own
// image whose frame it gave up, then checks the pattern.
#pragma once
#include "grant_util.h"
#include "public/memory.h"
#include "pv_mmu.h"

namespace gxfer {

inline constexpr uint64_t kInvalidP2m = ~0ull; // what Linux writes into a p2m slot given away

// One GNTTABOP_transfer; the hypercall must return 0; its status.
inline int16_t transfer(uint64_t mfn, xen::domid_t to, uint32_t ref) {
    xen::gnttab_transfer t{};
    t.mfn = mfn;
    t.domid = to;
    t.ref = ref;
    t.status = 99;
    long rc = gnt::op(xen::GNTTABOP_transfer, &t);
    if (rc)
        xt::report_failure("transfer of %#lx to d%u ref %u returned %ld", mfn, to, ref, rc);
    return t.status;
}

inline uint8_t pattern(unsigned i, uint8_t seed) {
    return uint8_t(i * 13 + seed);
}

inline uint64_t* p2m() {
    return const_cast<uint64_t*>(reinterpret_cast<const uint64_t*>(xt::start_info->mfn_list));
}

// page (of the image) filled and unmapped: its frame, ready to be transferred.
inline uint64_t prepare(volatile uint8_t* page, uint8_t seed) {
    for (unsigned i = 0; i < 4096; i++)
        page[i] = pattern(i, seed);
    uint64_t mfn = xt::mfn_of(page);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(page), 0, xen::UVMF_INVLPG), 0);
    return mfn;
}
// After a transfer that went through (or lost the frame): the slot names nothing.
inline void forget(volatile uint8_t* page) {
    p2m()[xt::pfn_of(page)] = kInvalidP2m;
}

// Gives `page`'s frame back to the hypervisor (XENMEM_decrease_reservation), making room
// in the reservation for one frame to come in at the same pseudo-physical frame.
inline void make_room(volatile uint8_t* page) {
    uint64_t mfn = xt::mfn_of(page);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(page), 0, xen::UVMF_INVLPG), 0);
    xen::xen_memory_reservation r{{reinterpret_cast<uint64_t>(&mfn)}, 1, 0, 0, xen::DOMID_SELF};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_decrease_reservation, &r), 1);
    forget(page);
}

// Frame mfn, which came in for pseudo-physical frame pfn_of(page): M2P (which the
// hypervisor has set already), p2m, mapping; then the pattern of `seed`.
inline void take(volatile uint8_t* page, uint64_t mfn, uint8_t seed) {
    const uint64_t pfn = xt::pfn_of(page);
    XT_CHECK_EQ(mmu::m2p(mfn), pfn);
    XT_CHECK_RC(mmu::update(mfn << 12, pfn, xen::MMU_MACHPHYS_UPDATE), 0);
    p2m()[pfn] = mfn;
    uint64_t pte = (mfn << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(page), pte, xen::UVMF_INVLPG), 0);
    for (unsigned i = 0; i < 4096; i++)
        if (page[i] != pattern(i, seed))
            xt::report_failure("transferred frame %#lx byte %u is %#x, not %#x", mfn, i, page[i],
                               pattern(i, seed));
}

} // namespace gxfer
