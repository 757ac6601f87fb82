// VMASST_TYPE_writable_pagetables: a direct write of an entry that mmu_update would refuse
// is not carried out but bounced to the guest as the original #PF (error code 3, cr2 =
// the entry's address, rip = the write), the entry unchanged: a writable mapping of the
// guest's own L4, a mapping of a frame of the hypervisor's (behind L4 slots 256..271).
#include "ptwr.h"

alignas(4096) static uint8_t a[4096];

void test_main() {
    ptwr::enable();
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    uint64_t flags = xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    uint64_t l4 = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base));
    ptwr::expect_bounced(e, (l4 << 12) | flags);
    ptwr::expect_bounced(e, (l4 << 12) | flags | xt::PTE_US);

    const volatile uint64_t* l4t =
        reinterpret_cast<const volatile uint64_t*>(xt::start_info->pt_base);
    unsigned tried = 0;
    for (unsigned s = 256; s < 272; s++) {
        uint64_t mfn = (l4t[s] & mmu::ADDR) >> 12;
        if (!(l4t[s] & xt::PTE_P) || mfn == l4)
            continue;
        ptwr::expect_bounced(e, (mfn << 12) | flags);
        ptwr::expect_bounced(e, (mfn << 12) | xt::PTE_P);
        tried++;
    }
    XT_CHECK(tried >= 2);
    a[0] = 1; // still mapped as before
    xt::report_success();
}
