// The hypercall page a PVH guest asks for by writing its address to the MSR CPUID
// 0x40000002 names: Xen 4.17's SVM stubs, `mov $nr, %eax; vmmcall; ret` every 32 bytes,
// `ud2` for HYPERVISOR_iret (no iret for HVM); calls through it and a bare VMMCALL both
// reach the hypervisor.
#include "public/version.h"
#include "pvh.h"
#include "runtime.h"

void test_main() {
    for (unsigned nr = 0; nr < 128; nr++) {
        const uint8_t* s = hypercall_page + nr * 32;
        if (nr == xen::HYPERVISOR_iret) {
            XT_CHECK_EQ(s[0], 0x0f);
            XT_CHECK_EQ(s[1], 0x0b);
            continue;
        }
        uint32_t imm;
        memcpy(&imm, s + 1, 4);
        XT_CHECK_EQ(s[0], 0xb8);
        XT_CHECK_EQ(imm, nr);
        XT_CHECK_EQ(s[5], 0x0f);
        XT_CHECK_EQ(s[6], 0x01);
        XT_CHECK_EQ(s[7], 0xd9);
        XT_CHECK_EQ(s[8], 0xc3);
    }
    XT_CHECK_RC(xt::xen_version(xen::XENVER_version), (4 << 16) | 17);
    long ret;
    asm volatile("vmmcall"
                 : "=a"(ret)
                 : "a"(xen::HYPERVISOR_xen_version), "D"(xen::XENVER_version), "S"(0)
                 : "memory");
    XT_CHECK_EQ(ret, (4 << 16) | 17);
    // Not in the HVM table: the PV page-table and trap-table calls.
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_mmu_update, 0, 0, 0, xen::DOMID_SELF),
                -xen::XEN_ENOSYS);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_trap_table, 0), -xen::XEN_ENOSYS);
    xt::report_success();
}
