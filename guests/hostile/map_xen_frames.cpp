// The frames behind the hypervisor's L4 slots (256..271) of the domain's own L4 belong
// to the hypervisor (its L3 tables for the m2p, the direct map, its image, per-domain
// mappings). Mapping any of them, even read-only, through mmu_update is -EBUSY, and so is
// naming DOMID_XEN or DOMID_IO as the foreign domain (dom0 is privileged: that privilege
// does not reach hypervisor frames); update_va_mapping is -EBUSY too. The one slot that
// points back at the domain's own L4 (the linear page-table slot) maps read-only. The
// scratch page's entry is untouched after each refusal.
#include "hostile.h"

alignas(4096) static uint8_t scratch[4096];

void test_main() {
    using hostile::pte;
    uint64_t va = reinterpret_cast<uint64_t>(scratch);
    scratch[0] = 0x33;
    const uint64_t *l4 = hostile::l4_table();
    uint64_t slot = hostile::l1e_maddr(scratch);
    uint64_t orig = hostile::pte_of(scratch);
    uint64_t own = hostile::l4_mfn();
    unsigned tried = 0;
    for (int s = 256; s < 272; s++) {
        if (!(l4[s] & xt::PTE_P))
            continue;
        uint64_t mfn = hostile::mfn_of_pte(l4[s]);
        if (mfn == own) {
            XT_CHECK_RC(hostile::mmu_update1(slot, pte(mfn, 0)), 0);
            XT_CHECK_RC(hostile::mmu_update1(slot, orig), 0);
            continue;
        }
        tried++;
        XT_CHECK_RC(hostile::mmu_update1(slot, pte(mfn, 0)), -xen::XEN_EBUSY);
        XT_CHECK_RC(hostile::mmu_update1(slot, pte(mfn, xt::PTE_RW)), -xen::XEN_EBUSY);
        XT_CHECK_RC(hostile::mmu_update1(slot, pte(mfn, 0), xen::DOMID_XEN), -xen::XEN_EBUSY);
        XT_CHECK_RC(hostile::mmu_update1(slot, pte(mfn, 0), xen::DOMID_IO), -xen::XEN_EBUSY);
        XT_CHECK_RC(xt::update_va_mapping(va, pte(mfn, 0), xen::UVMF_INVLPG), -xen::XEN_EBUSY);
        XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_update_va_mapping_otherdomain, va, pte(mfn, 0),
                                  xen::UVMF_INVLPG, xen::DOMID_XEN),
                    -xen::XEN_EBUSY);
        XT_CHECK_EQ(hostile::pte_of(scratch), orig);
        XT_CHECK_EQ(scratch[0], 0x33);
    }
    if (tried < 2)
        xt::report_failure("only %u hypervisor frames found in L4 slots 256..271", tried);
    hostile::pass();
}
