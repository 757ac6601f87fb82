// update_va_mapping refuses: a writable mapping of one of the domain's page tables
// (-EBUSY, the frame is typed as a page table), an address with no L1 table behind it
// (-EINVAL: 0x1000 in the empty low half) and an address in Xen's area (-EINVAL). The
// page keeps its old mapping.
#include "runtime.h"

alignas(4096) static uint8_t page[4096];

void test_main() {
    uint64_t va = reinterpret_cast<uint64_t>(page);
    uint64_t pt = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base)) << 12;
    XT_CHECK_RC(xt::update_va_mapping(va, pt | xt::PTE_P | xt::PTE_RW, xen::UVMF_INVLPG),
                -xen::XEN_EBUSY);
    uint64_t mine = (xt::mfn_of(page) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_RC(xt::update_va_mapping(0x1000, mine, xen::UVMF_INVLPG), -xen::XEN_EINVAL);
    XT_CHECK_RC(xt::update_va_mapping(0xffff830000000000, mine, xen::UVMF_INVLPG), -xen::XEN_EINVAL);
    page[5] = 42;
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t *>(&page[5]), 42);
    xt::report_success();
}
