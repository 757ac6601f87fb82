// VMASST_TYPE_writable_pagetables covers L1 tables only: a direct write to an entry of
// the guest's L2, L3 or L4 (even of the value it already has) is bounced as #PF (error
// code 3, cr2 = the entry's address) and the entry keeps its value.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096];

void test_main() {
    ptwr::enable();
    for (unsigned level = 2; level <= 4; level++) {
        volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a), level);
        ptwr::expect_bounced(e, *e);
        ptwr::expect_bounced(e, 0);
    }
    a[0] = 1;
    xt::report_success();
}
