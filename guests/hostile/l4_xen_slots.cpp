// mmu_update on the hypervisor's L4 slots (256..271) of the domain's own top-level table
// is -EINVAL whatever the new value: clearing the entry, writing back the value already
// there, or pointing it at one of the domain's own L3 tables. The guest slots on either
// side (255, 272) take updates (0). Afterwards every hypervisor slot reads as before and
// the hypervisor still answers hypercalls and reflects faults.
#include "hostile.h"
#include "public/version.h"

alignas(4096) static uint8_t scratch[4096];

void test_main() {
    const uint64_t *l4 = hostile::l4_table();
    uint64_t l4_maddr = hostile::l4_mfn() << 12;
    static uint64_t before[512];
    for (int i = 0; i < 512; i++)
        before[i] = l4[i];
    hostile::walk_result w = hostile::walk(reinterpret_cast<uint64_t>(scratch));
    uint64_t own_l3 = hostile::pte(w.table_mfn[3], xt::PTE_RW | xt::PTE_US);
    for (int slot = 256; slot < 272; slot++) {
        uint64_t ptr = l4_maddr + slot * 8;
        unsigned done = 77;
        xen::mmu_update req{ptr, 0};
        XT_CHECK_RC(hostile::mmu_batch(&req, 1, &done), -xen::XEN_EINVAL);
        XT_CHECK_EQ(done, 0);
        XT_CHECK_RC(hostile::mmu_update1(ptr, before[slot]), -xen::XEN_EINVAL);
        XT_CHECK_RC(hostile::mmu_update1(ptr, own_l3), -xen::XEN_EINVAL);
        XT_CHECK_RC(hostile::mmu_update1(ptr | xen::MMU_PT_UPDATE_PRESERVE_AD, own_l3),
                    -xen::XEN_EINVAL);
    }
    // Guest slots next to the hypervisor's: empty in this guest, and may stay so.
    XT_CHECK_EQ(before[255], 0);
    XT_CHECK_EQ(before[272], 0);
    XT_CHECK_RC(hostile::mmu_update1(l4_maddr + 255 * 8, 0), 0);
    XT_CHECK_RC(hostile::mmu_update1(l4_maddr + 272 * 8, 0), 0);
    for (int i = 0; i < 512; i++)
        if (l4[i] != before[i])
            xt::report_failure("L4[%d] changed: %#lx -> %#lx", i, before[i], l4[i]);
    XT_CHECK(xt::xen_version(xen::XENVER_version) > 0);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    hostile::pass();
}
