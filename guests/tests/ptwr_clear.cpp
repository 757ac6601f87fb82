// VMASST_TYPE_writable_pagetables: `movq $0` to one of the guest's own L1 entries clears
// it: the page is then not present (a read is bounced as #PF, error code 0) and the
// mapping's references are gone (the frame, no longer mapped writable, pins as an L1
// table); a mov of the old entry brings the page back.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096];

static void read_a() {
    (void)*reinterpret_cast<volatile uint8_t*>(a);
}

void test_main() {
    ptwr::enable();
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    const uint64_t old = *e;
    a[0] = 0xa0; // not a present entry: the frame stays a valid L1 table
    uint64_t mfn = xt::mfn_of(a);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), -xen::XEN_EINVAL);

    asm volatile("movq $0, %0" : "=m"(*e) : : "memory");
    XT_CHECK_EQ(*e, 0);
    ptwr::invlpg(a);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, read_a);
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.cr2, mmu::va_of(a));
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, mfn), 0);

    asm volatile("movq %1, %0" : "=m"(*e) : "r"(old) : "memory");
    ptwr::invlpg(a);
    XT_CHECK_EQ(*e, old);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t*>(a), 0xa0);
    xt::report_success();
}
