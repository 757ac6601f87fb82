// MMUEXT_PIN_L*_TABLE and MMUEXT_UNPIN_TABLE: a frame mapped writable cannot be pinned
// (-EINVAL); once mapped read-only it pins at any level, cannot be pinned twice or as
// another level (-EINVAL), cannot be mapped writable while pinned (-EBUSY), unpins once
// (again: -EINVAL) and is then writable again. Frames the domain does not own: -EINVAL.
#include "pv_mmu.h"

alignas(4096) static uint8_t table[4096];

void test_main() {
    uint64_t mfn = xt::mfn_of(table);
    uint64_t rw = (mfn << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), -xen::XEN_EINVAL);
    mmu::make_readonly(table);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, mfn), -xen::XEN_EINVAL);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L2_TABLE, mfn), -xen::XEN_EINVAL);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(table), rw, xen::UVMF_INVLPG), -xen::XEN_EBUSY);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, mfn), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, mfn), -xen::XEN_EINVAL);
    for (unsigned cmd : {xen::MMUEXT_PIN_L2_TABLE, xen::MMUEXT_PIN_L3_TABLE,
                         xen::MMUEXT_PIN_L4_TABLE}) {
        XT_CHECK_RC(mmu::ext(cmd, mfn), 0);
        XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, mfn), 0);
    }
    mmu::make_writable(table);
    table[1] = 7;
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t *>(&table[1]), 7);
    // The start-of-day L4 is pinned already; frame 0 is not the domain's.
    uint64_t l4 = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L4_TABLE, l4), -xen::XEN_EINVAL);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, 0), -xen::XEN_EINVAL);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, 0), -xen::XEN_EINVAL);
    xt::report_success();
}
