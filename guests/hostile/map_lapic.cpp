// The local APIC page (0xfee00000, the hypervisor's own interrupt controller) is not
// dom0's to map: mmu_update and update_va_mapping refuse it read-only and writable with
// -EPERM (the I/O-memory permission check that dom0's privilege otherwise passes). The
// scratch page's mapping stays.
#include "hostile.h"

alignas(4096) static uint8_t scratch[4096];

void test_main() {
    using hostile::pte;
    constexpr uint64_t lapic = 0xfee00;
    uint64_t va = reinterpret_cast<uint64_t>(scratch);
    uint64_t slot = hostile::l1e_maddr(scratch);
    uint64_t orig = hostile::pte_of(scratch);
    scratch[0] = 1;
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(lapic, 0)), -xen::XEN_EPERM);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(lapic, xt::PTE_RW)), -xen::XEN_EPERM);
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(lapic, xt::PTE_RW | (1u << 4) | (1u << 3))),
                -xen::XEN_EPERM); // uncached, as a driver would map it
    XT_CHECK_RC(hostile::mmu_update1(slot, pte(lapic, 0), xen::DOMID_IO), -xen::XEN_EPERM);
    XT_CHECK_RC(xt::update_va_mapping(va, pte(lapic, xt::PTE_RW), xen::UVMF_INVLPG),
                -xen::XEN_EPERM);
    XT_CHECK_RC(xt::update_va_mapping(va, pte(lapic, 0), xen::UVMF_INVLPG), -xen::XEN_EPERM);
    XT_CHECK_EQ(hostile::pte_of(scratch), orig);
    XT_CHECK_EQ(scratch[0], 1);
    hostile::pass();
}
