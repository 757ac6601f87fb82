// Descriptor tables on frames that are not the caller's to write: set_gdt with a
// hypervisor frame or one of the caller's page tables (its L4) as a GDT frame is -EINVAL,
// with its frame list in the hypervisor's range -EFAULT, with ~0 entries -EINVAL.
// update_descriptor into a hypervisor frame, into the caller's L4, or at a machine address
// past all RAM is -EINVAL. The current GDT stays (%cs still works, faults still arrive),
// and the L4 reads as before.
#include "hostile.h"

void test_main() {
    using namespace xen;
    const uint64_t *l4 = hostile::l4_table();
    static uint64_t l4_before[512];
    for (int i = 0; i < 512; i++)
        l4_before[i] = l4[i];
    static uint64_t frames[16];
    unsigned xen_frames = 0;
    for (int s = 256; s < 272; s++) {
        if (!(l4[s] & xt::PTE_P) || hostile::mfn_of_pte(l4[s]) == hostile::l4_mfn())
            continue;
        uint64_t m = hostile::mfn_of_pte(l4[s]);
        xen_frames++;
        frames[0] = m;
        XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_gdt, xt::arg(frames), 16), -XEN_EINVAL);
        XT_CHECK_RC(xt::hypercall(HYPERVISOR_update_descriptor, m << 12, 0), -XEN_EINVAL);
        XT_CHECK_RC(xt::hypercall(HYPERVISOR_update_descriptor, (m << 12) + 8, 0x00cff2000000ffff),
                    -XEN_EINVAL);
    }
    XT_CHECK(xen_frames >= 2);
    frames[0] = hostile::l4_mfn();
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_gdt, xt::arg(frames), 16), -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_update_descriptor, hostile::l4_mfn() << 12, 0),
                -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_gdt, hostile::XEN_DIRECTMAP, 16), -XEN_EFAULT);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_gdt, xt::arg(frames), ~0ul), -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_update_descriptor, ~0ul & ~7ul, 0), -XEN_EINVAL);
    for (int i = 0; i < 512; i++)
        if (l4[i] != l4_before[i])
            xt::report_failure("L4[%d] changed", i);
    uint16_t cs;
    asm volatile("mov %%cs, %0" : "=r"(cs));
    XT_CHECK_EQ(cs, FLAT_KERNEL_CS);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    hostile::pass();
}
