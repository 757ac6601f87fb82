// Helpers for the writable-page-table guests (ptwr_*.cpp): with
// VMASST_TYPE_writable_pagetables on, a guest kernel may write its L1 entries directly
// through the read-only view of its page tables (pfn n at VIRT_BASE + n pages).
#pragma once
#include "pv_mmu.h"

namespace ptwr {

inline long assist(unsigned cmd) {
    return xt::vm_assist(cmd, xen::VMASST_TYPE_writable_pagetables);
}
inline void enable() {
    XT_CHECK_RC(assist(xen::VMASST_CMD_enable), 0);
}

// Where the entry at `level` that maps va can be seen (read-only) in the guest.
inline volatile uint64_t* entry_ptr(uint64_t va, unsigned level = 1) {
    uint64_t maddr = mmu::entry_maddr(va, level);
    return reinterpret_cast<volatile uint64_t*>(xt::VIRT_BASE + mmu::m2p(maddr >> 12) * 4096 +
                                                (maddr & 0xfff));
}

// An L1 entry of a page of the image, writable.
inline uint64_t rw_pte(const volatile void* page) {
    return (xt::mfn_of(page) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
}

inline void invlpg(const volatile void* page) {
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_INVLPG_LOCAL, mmu::va_of(page)), 0);
}

// The write the tests expect to be bounced: `movq %rdx, (%rcx)` of `value` at `entry`,
// as a #PF with error code 3 (present, write) at that instruction, cr2 = the entry's
// address; the entry must keep its value.
inline volatile uint64_t* bounce_target;
inline uint64_t bounce_value;
inline void expect_bounced(volatile uint64_t* entry, uint64_t value) {
    bounce_target = entry;
    bounce_value = value;
    uint64_t before = *entry;
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("mov %[v], %%rdx\n\tmov %[p], %%rcx",
                      "movq %%rdx, (%%rcx)", [v] "m"(bounce_value), [p] "m"(bounce_target));
    });
    XT_CHECK_EQ(fi.error_code, 3);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(fi.cr2, mmu::va_of(entry));
    XT_CHECK_EQ(*entry, before);
}

} // namespace ptwr
