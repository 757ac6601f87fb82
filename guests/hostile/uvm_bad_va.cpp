// update_va_mapping at addresses a guest does not own: the hypervisor's range
// (0xffff800000000000..0xffff87ffffffffff), the kernel half just above it that has no page
// tables (0xffff880000000000), non-canonical addresses and the top of the user half with
// nothing behind it: -EINVAL each. The low 12 bits of the address are ignored: an
// unaligned address in a page of the image updates that page (0).
#include "hostile.h"

alignas(4096) static uint8_t scratch[4096];
alignas(4096) static uint8_t other[4096];

void test_main() {
    using hostile::pte;
    uint64_t va = reinterpret_cast<uint64_t>(scratch);
    uint64_t orig = hostile::pte_of(scratch);
    uint64_t mine = pte(xt::mfn_of(other), xt::PTE_RW | xt::PTE_D);
    scratch[0] = 1;
    other[0] = 2;
    for (uint64_t a : std::initializer_list<uint64_t>{
             hostile::XEN_M2P_RO, hostile::XEN_TEXT, hostile::XEN_DIRECTMAP,
             hostile::XEN_AREA_TOP, 0xffff880000000000ull, hostile::NONCANON_LOW,
             hostile::NONCANON_HIGH, hostile::NONCANON_MID, 0x00007ffffffff000ull}) {
        long rc = xt::update_va_mapping(a, mine, xen::UVMF_INVLPG);
        if (rc != -xen::XEN_EINVAL)
            xt::report_failure("update_va_mapping(%#lx) = %ld, expected -EINVAL", a, rc);
        rc = xt::update_va_mapping(a, 0, xen::UVMF_TLB_FLUSH | xen::UVMF_ALL);
        if (rc != -xen::XEN_EINVAL)
            xt::report_failure("update_va_mapping(%#lx, 0) = %ld, expected -EINVAL", a, rc);
    }
    XT_CHECK_EQ(hostile::pte_of(scratch), orig);
    XT_CHECK_EQ(scratch[0], 1);
    XT_CHECK_RC(xt::update_va_mapping(va + 1, mine, xen::UVMF_INVLPG), 0);
    XT_CHECK_EQ(scratch[0], 2);
    XT_CHECK_RC(xt::update_va_mapping(va + 0xfff, orig, xen::UVMF_INVLPG), 0);
    XT_CHECK_EQ(scratch[0], 1);
    hostile::pass();
}
