// Helpers for the guests that use grant tables (tests/grant_*.cpp, bench/pv_mm_bench.cpp):
// the hypercall, the guest's own grant table mapped at a page of the image, and the
// guest's own page-table entries (the initial tables are mapped read-only at VIRT_BASE +
// pfn pages; an entry's frame becomes that address through the read-only M2P table).
//
// The guests run as the initial domain, whose id is 0: grants "to oneself" name domain 0
// (a grant entry or a map naming DOMID_SELF names nobody, as Xen's answers show).
#pragma once
#include "public/grant_table.h"
#include "runtime.h"

namespace gnt {

inline constexpr xen::domid_t kSelf = 0;
inline constexpr uint64_t ADDR = 0x000ffffffffff000ull;

inline long op(unsigned cmd, void *arg, unsigned count = 1) {
    return xt::hypercall(xen::HYPERVISOR_grant_table_op, cmd, xt::arg(arg), count);
}

// Frame 0 of the caller's grant table (GNTTABOP_setup_table), mapped writable at `window`.
inline xen::grant_entry_v1 *map_table(void *window) {
    uint64_t frame = 0;
    xen::gnttab_setup_table st{};
    st.dom = xen::DOMID_SELF;
    st.nr_frames = 1;
    st.frame_list.p = xt::arg(&frame);
    if (op(xen::GNTTABOP_setup_table, &st) != 0 || st.status != xen::GNTST_okay)
        xt::report_error("setup_table: status %d", st.status);
    long rc = xt::update_va_mapping(reinterpret_cast<uint64_t>(window),
                                    (frame << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A |
                                        xt::PTE_D,
                                    xen::UVMF_INVLPG);
    if (rc)
        xt::report_error("mapping the grant table: %ld", rc);
    return static_cast<xen::grant_entry_v1 *>(window);
}

// Fills an entry the way a guest must: grantee and frame first, then the flags.
inline void grant(xen::grant_entry_v1 *gt, uint32_t ref, xen::domid_t to, uint64_t frame,
                  uint16_t extra = 0) {
    gt[ref].domid = to;
    gt[ref].frame = static_cast<uint32_t>(frame);
    __atomic_store_n(&gt[ref].flags, static_cast<uint16_t>(xen::GTF_permit_access | extra),
                     __ATOMIC_RELEASE);
}
inline uint16_t flags(const xen::grant_entry_v1 *gt, uint32_t ref) {
    return __atomic_load_n(&gt[ref].flags, __ATOMIC_ACQUIRE);
}

inline void invlpg(const volatile void *va) {
    xen::mmuext_op o{};
    o.cmd = xen::MMUEXT_INVLPG_LOCAL;
    o.arg1.linear_addr = reinterpret_cast<uint64_t>(va);
    if (xt::hypercall(xen::HYPERVISOR_mmuext_op, xt::arg(&o), 1, 0, xen::DOMID_SELF))
        xt::report_error("invlpg");
}

// The L1 entry mapping va (read-only view) and its machine address.
inline const volatile uint64_t *pte_ptr(const volatile void *p) {
    uint64_t va = reinterpret_cast<uint64_t>(p);
    const volatile uint64_t *m2p =
        reinterpret_cast<const volatile uint64_t *>(xen::MACH2PHYS_VIRT_START);
    const volatile uint64_t *t =
        reinterpret_cast<const volatile uint64_t *>(xt::start_info->pt_base);
    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];
        if (!(e & xt::PTE_P))
            xt::report_error("no page table for %#lx", va);
        t = reinterpret_cast<const volatile uint64_t *>(xt::VIRT_BASE +
                                                        m2p[(e & ADDR) >> 12] * 4096);
    }
    return &t[(va >> 12) & 511];
}
inline uint64_t pte(const volatile void *va) { return *pte_ptr(va); }
inline uint64_t pte_maddr(const volatile void *va) {
    const volatile uint64_t *p = pte_ptr(va);
    return (xt::mfn_of(p) << 12) | (reinterpret_cast<uint64_t>(p) & 0xfff);
}

} // namespace gnt
