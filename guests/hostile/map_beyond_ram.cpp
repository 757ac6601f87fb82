// Frames the hypervisor does not manage as RAM. For dom0, a frame at or past
// XENMEM_maximum_ram_page is I/O memory it may map (0, read-only or writable: Xen 4.17
// gives the hardware domain the whole physical address space except its own devices);
// a frame number beyond the physical address width is -EINVAL; the frame right below
// maximum_ram_page is RAM the hypervisor keeps for itself (-EBUSY). The scratch page's
// mapping comes back each time.
#include "hostile.h"

alignas(4096) static uint8_t scratch[4096];

void test_main() {
    using hostile::pte;
    uint64_t va = reinterpret_cast<uint64_t>(scratch);
    uint64_t slot = hostile::l1e_maddr(scratch);
    uint64_t orig = hostile::pte_of(scratch);
    scratch[0] = 9;
    long max = xt::memory_op(xen::XENMEM_maximum_ram_page, nullptr);
    XT_CHECK(max > 0);
    uint64_t top = uint64_t(max);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(top, 0)), 0);
    XT_CHECK_RC(xt::update_va_mapping(va, orig, xen::UVMF_INVLPG), 0);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(top + 0x100, xt::PTE_RW)), 0);
    XT_CHECK_RC(xt::update_va_mapping(va, orig, xen::UVMF_INVLPG), 0);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte((1ull << 40) - 1, 0)), -xen::XEN_EINVAL);
    XT_CHECK_RC(xt::update_va_mapping(va, pte((1ull << 40) - 1, 0), xen::UVMF_INVLPG),
                -xen::XEN_EINVAL);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(top - 1, 0)), -xen::XEN_EBUSY);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(top - 1, xt::PTE_RW)), -xen::XEN_EBUSY);
    XT_CHECK_EQ(hostile::pte_of(scratch), orig);
    XT_CHECK_EQ(scratch[0], 9);
    hostile::pass();
}
