// VMASST_TYPE_writable_pagetables keeps the page-type rules: after a direct write that
// maps a frame writable, that frame cannot be pinned as a page table (-EINVAL) until
// the entry is written back; while it is pinned, a direct write that would map it
// writable is bounced as #PF; a read-only mapping of it is accepted.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096], t[4096];

void test_main() {
    ptwr::enable();
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    const uint64_t old = *e;
    const uint64_t mfn = xt::mfn_of(t);
    mmu::make_readonly(t);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, mfn), 0);

    const uint64_t t_rw = ptwr::rw_pte(t);
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(t_rw) : "memory");
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), -xen::XEN_EINVAL);
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(old) : "memory");
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), 0);

    ptwr::expect_bounced(e, t_rw);
    const uint64_t t_ro = t_rw & ~xt::PTE_RW;
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(t_ro) : "memory");
    XT_CHECK_EQ(*e & mmu::ADDR, mfn << 12);
    ptwr::invlpg(a);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t*>(a), 0);
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(old) : "memory");
    ptwr::invlpg(a);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, mfn), 0);
    mmu::make_writable(t);
    t[0] = 1;
    XT_CHECK_EQ(*e, old);
    xt::report_success();
}
