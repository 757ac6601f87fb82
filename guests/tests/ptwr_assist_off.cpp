// The initial domain's direct writes to its own L1 entries are carried out even without
// VMASST_TYPE_writable_pagetables (never enabled, or enabled and disabled again): Xen
// 4.17 tries its read-only MMIO emulation on every write fault of the hardware domain,
// and that falls back to the page-table write. An invalid entry is still bounced. (Other
// domains need the assist: guests/hostile/ptwr_fuzz checks that as a domU.)
#include "ptwr.h"

alignas(4096) static uint8_t a[4096], b[4096];

static void swap_and_back(volatile uint64_t* e, uint64_t old, uint64_t to_b) {
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(to_b) : "memory");
    XT_CHECK_EQ(*e & mmu::ADDR, xt::mfn_of(b) << 12);
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(old) : "memory");
    XT_CHECK_EQ(*e, old);
}

void test_main() {
    if (!(xt::start_info->flags & xen::SIF_INITDOMAIN))
        xt::report_failure("not the initial domain");
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    const uint64_t old = *e;
    const uint64_t to_b = ptwr::rw_pte(b);
    swap_and_back(e, old, to_b);
    ptwr::enable();
    XT_CHECK_RC(ptwr::assist(xen::VMASST_CMD_disable), 0);
    swap_and_back(e, old, to_b);
    uint64_t l4 = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base));
    ptwr::expect_bounced(e, (l4 << 12) | xt::PTE_P | xt::PTE_RW);
    xt::report_success();
}
