// set_gdt(frames, entries) refuses more entries than the guest part of the GDT holds
// (FIRST_RESERVED_GDT_ENTRY = 7168: 7169 is -EINVAL), an unreadable frame list (-EFAULT)
// and frames the domain does not own (-EINVAL); the current GDT stays (%cs still works).
#include "runtime.h"

alignas(4096) static uint8_t gdt[4096];

static long set_gdt(const uint64_t *frames, unsigned long entries) {
    return xt::hypercall(xen::HYPERVISOR_set_gdt, reinterpret_cast<uint64_t>(frames), entries);
}

void test_main() {
    uint64_t frames[16] = {xt::mfn_of(gdt)};
    XT_CHECK_RC(set_gdt(frames, xen::FIRST_RESERVED_GDT_ENTRY + 1), -xen::XEN_EINVAL);
    XT_CHECK_RC(set_gdt(frames, 65536), -xen::XEN_EINVAL);
    XT_CHECK_RC(set_gdt(reinterpret_cast<const uint64_t *>(0x1000), 16), -xen::XEN_EFAULT);
    frames[0] = 0xfffffffff;
    XT_CHECK_RC(set_gdt(frames, 16), -xen::XEN_EINVAL);
    uint16_t cs;
    asm volatile("mov %%cs, %0" : "=r"(cs));
    XT_CHECK_EQ(cs, xen::FLAT_KERNEL_CS);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); }); // traps still go through
    xt::report_success();
}
