// Helpers for the guests that drive the PV MMU (tests/mmu_*.cpp, bench/pv_mm_bench.cpp):
// the MMU hypercalls, and finding the guest's own page-table entries. The initial page
// tables are mapped read-only in the start-of-day mapping (pfn n at VIRT_BASE + n pages),
// and a table entry's frame is turned into that address through the read-only M2P table.
#pragma once
#include "runtime.h"

namespace mmu {

inline constexpr uint64_t ADDR = 0x000ffffffffff000ull;

inline long mmu_update(const xen::mmu_update *reqs, unsigned count, unsigned *done,
                       unsigned foreigndom = xen::DOMID_SELF) {
    return xt::hypercall(xen::HYPERVISOR_mmu_update, xt::arg(reqs), count, xt::arg(done),
                         foreigndom);
}
inline long mmuext(const xen::mmuext_op *ops, unsigned count, unsigned *done,
                   unsigned foreigndom = xen::DOMID_SELF) {
    return xt::hypercall(xen::HYPERVISOR_mmuext_op, xt::arg(ops), count, xt::arg(done),
                         foreigndom);
}
// One mmuext op with an mfn argument.
inline long ext(unsigned cmd, uint64_t mfn = 0, uint64_t arg2 = 0) {
    xen::mmuext_op op{};
    op.cmd = cmd;
    op.arg1.mfn = mfn;
    op.arg2.src_mfn = arg2;
    return mmuext(&op, 1, nullptr);
}
// One normal update of the entry at machine address `maddr`.
inline long update(uint64_t maddr, uint64_t val, unsigned cmd = xen::MMU_NORMAL_PT_UPDATE) {
    xen::mmu_update req{maddr | cmd, val};
    return mmu_update(&req, 1, nullptr);
}

inline uint64_t m2p(uint64_t mfn) {
    return reinterpret_cast<const volatile uint64_t *>(xen::MACH2PHYS_VIRT_START)[mfn];
}
// The read-only view of the table an entry points at.
inline const volatile uint64_t *table_of(uint64_t entry) {
    return reinterpret_cast<const volatile uint64_t *>(xt::VIRT_BASE +
                                                       m2p((entry & ADDR) >> 12) * 4096);
}
inline unsigned index(uint64_t va, unsigned level) { return (va >> (12 + 9 * (level - 1))) & 511; }

// The machine address of the entry at `level` (1..4) that maps va, walking the current
// kernel tables from start_info->pt_base. Every level above must be present.
inline uint64_t entry_maddr(uint64_t va, unsigned level) {
    const volatile uint64_t *t =
        reinterpret_cast<const volatile uint64_t *>(xt::start_info->pt_base);
    uint64_t mfn = xt::mfn_of(t);
    for (unsigned l = 4; l > level; l--) {
        uint64_t e = t[index(va, l)];
        if (!(e & xt::PTE_P))
            xt::report_error("no level-%u entry for %#lx", l, va);
        mfn = (e & ADDR) >> 12;
        t = table_of(e);
    }
    return (mfn << 12) + index(va, level) * 8;
}
// The current value of that entry.
inline uint64_t entry(uint64_t va, unsigned level) {
    uint64_t maddr = entry_maddr(va, level);
    const volatile uint64_t *t = reinterpret_cast<const volatile uint64_t *>(
        xt::VIRT_BASE + m2p(maddr >> 12) * 4096);
    return t[(maddr & 0xfff) / 8];
}

inline uint64_t va_of(const volatile void *p) { return reinterpret_cast<uint64_t>(p); }

// Maps `page` (a page of the image) read-only, as a frame must be before it can become a
// page table; and back to writable.
inline void make_readonly(const volatile void *page) {
    uint64_t pte = (xt::mfn_of(page) << 12) | xt::PTE_P | xt::PTE_A;
    XT_CHECK_RC(xt::update_va_mapping(va_of(page), pte, xen::UVMF_INVLPG), 0);
}
inline void make_writable(const volatile void *page) {
    uint64_t pte = (xt::mfn_of(page) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_RC(xt::update_va_mapping(va_of(page), pte, xen::UVMF_INVLPG), 0);
}

} // namespace mmu
