// Helpers for the memory_op conformance guests (memory_*.cpp): the reservation sub-ops,
// the domain's reservation, and looking at a machine frame through a scratch page of the
// image (its L1 entry pointed at the frame, then back).
#pragma once
#include "public/memory.h"
#include "pv_mmu.h"

namespace memop {

inline long reservation(unsigned op, uint64_t* list, uint64_t nr, unsigned order = 0,
                        uint32_t flags = 0, xen::domid_t domid = xen::DOMID_SELF) {
    xen::xen_memory_reservation r{{reinterpret_cast<uint64_t>(list)}, nr, order, flags, domid};
    return xt::memory_op(op, &r);
}
inline long populate(uint64_t* list, uint64_t nr, unsigned order = 0) {
    return reservation(xen::XENMEM_populate_physmap, list, nr, order);
}
inline long decrease(uint64_t* list, uint64_t nr, unsigned order = 0) {
    return reservation(xen::XENMEM_decrease_reservation, list, nr, order);
}

inline long current_pages() {
    xen::domid_t self = xen::DOMID_SELF;
    return xt::memory_op(xen::XENMEM_current_reservation, &self);
}

// A page of the image whose mapping the tests borrow.
alignas(4096) inline volatile uint8_t scratch[4096];

// Maps frame mfn (writable) at `scratch`: 0 or the error update_va_mapping gives.
inline long map_scratch(uint64_t mfn) {
    uint64_t pte = (mfn << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    return xt::update_va_mapping(mmu::va_of(scratch), pte, xen::UVMF_INVLPG);
}
// Gives `scratch` its own frame back (dropping the borrowed frame's references).
inline void unmap_scratch() {
    uint64_t pte = (xt::mfn_of(scratch) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(scratch), pte, xen::UVMF_INVLPG), 0);
}

// Writes a pattern derived from `seed` into frame mfn, then reads it back through a new
// mapping: the frame is real memory the domain may use.
inline void check_usable(uint64_t mfn, uint64_t seed) {
    XT_CHECK_RC(map_scratch(mfn), 0);
    auto* w = reinterpret_cast<volatile uint64_t*>(scratch);
    for (unsigned i = 0; i < 512; i++)
        w[i] = seed * 0x9e3779b97f4a7c15ull + i;
    unmap_scratch();
    XT_CHECK_RC(map_scratch(mfn), 0);
    for (unsigned i = 0; i < 512; i++)
        if (w[i] != seed * 0x9e3779b97f4a7c15ull + i)
            xt::report_failure("frame %#lx word %u reads %#lx", mfn, i, w[i]);
    unmap_scratch();
}

} // namespace memop
