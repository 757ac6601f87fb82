// update_va_mapping can make a page of the guest read-only: a write to it is then bounced
// as #PF with error code 3 (present, write), cr2 = the address; mapping it writable again
// makes the write work.
#include "runtime.h"

alignas(4096) static uint8_t page[4096];

void test_main() {
    uint64_t va = reinterpret_cast<uint64_t>(page);
    uint64_t pte = (xt::mfn_of(page) << 12) | xt::PTE_P | xt::PTE_A;
    XT_CHECK_RC(xt::update_va_mapping(va, pte, xen::UVMF_INVLPG), 0);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("", "movb $1, %[p]", [p] "m"(page[100]));
    });
    XT_CHECK_EQ(fi.error_code, 3);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(fi.cr2, va + 100);
    XT_CHECK_EQ(page[100], 0);
    XT_CHECK_RC(xt::update_va_mapping(va, pte | xt::PTE_RW | xt::PTE_D, xen::UVMF_INVLPG), 0);
    *reinterpret_cast<volatile uint8_t *>(&page[100]) = 7;
    XT_CHECK_EQ(page[100], 7);
    xt::report_success();
}
