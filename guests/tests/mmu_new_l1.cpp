// A fresh mapping: with no L1 table behind an address, update_va_mapping is -EINVAL.
// Writing the L2 entry (mmu_update) makes a read-only frame of the guest that L1 table
// (validated on the way in); update_va_mapping then maps a page there, which reads and
// writes through; unmapping it makes a read fault (#PF, error code 0). Removing the L2
// entry releases the frame, which can be mapped writable again.
#include "pv_mmu.h"

alignas(4096) static uint64_t l1[512];
alignas(4096) static uint8_t data[4096];

static constexpr uint64_t kFresh = 0xffffffffbfe00000; // the last 2 MiB of the image's GiB

void test_main() {
    uint64_t pte = (xt::mfn_of(data) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_EQ(mmu::entry(kFresh, 2), 0);
    XT_CHECK_RC(xt::update_va_mapping(kFresh, pte, xen::UVMF_INVLPG), -xen::XEN_EINVAL);

    uint64_t l2e = mmu::entry_maddr(kFresh, 2);
    uint64_t table = (xt::mfn_of(l1) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_US | xt::PTE_A;
    XT_CHECK_RC(mmu::update(l2e, table), -xen::XEN_EINVAL); // still mapped writable
    mmu::make_readonly(l1);
    XT_CHECK_RC(mmu::update(l2e, table), 0);

    XT_CHECK_RC(xt::update_va_mapping(kFresh + 0x1000, pte, xen::UVMF_INVLPG), 0);
    XT_CHECK_EQ(l1[1] & mmu::ADDR, xt::mfn_of(data) << 12);
    volatile uint8_t *direct = data, *fresh = reinterpret_cast<volatile uint8_t *>(kFresh + 0x1000);
    direct[8] = 0x5a;
    XT_CHECK_EQ(fresh[8], 0x5a);
    fresh[9] = 0xa5;
    XT_CHECK_EQ(direct[9], 0xa5);
    // The other flush flavours, on the same mapping.
    XT_CHECK_RC(xt::update_va_mapping(kFresh + 0x1000, pte, xen::UVMF_TLB_FLUSH | xen::UVMF_ALL), 0);
    static uint64_t mask = 1;
    XT_CHECK_RC(xt::update_va_mapping(kFresh + 0x1000, pte,
                                      xen::UVMF_INVLPG | reinterpret_cast<uint64_t>(&mask)),
                0);

    XT_CHECK_RC(xt::update_va_mapping(kFresh + 0x1000, 0, xen::UVMF_INVLPG), 0);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("", "movq (%[a]), %%rcx", [a] "r"(kFresh + 0x1000));
    });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.cr2, kFresh + 0x1000);

    XT_CHECK_RC(mmu::update(l2e, 0), 0);
    mmu::make_writable(l1);
    reinterpret_cast<volatile uint64_t *>(l1)[3] = 3;
    XT_CHECK_EQ(l1[3], 3);
    xt::report_success();
}
