// CPUID as a PVH guest sees it on Xen 4.17 (SVM, HAP): the Xen leaves at 0x40000000
// (signature, five leaves, version 4.17, one hypercall page at MSR 0x40000000, the HVM
// leaf's flags with vCPU and domain ids), the hypervisor bit, and no SVM to nest.
#include "pvh.h"
#include "runtime.h"

void test_main() {
    using xt::pvh::cpuid;
    xt::pvh::Cpuid base = cpuid(0x40000000);
    XT_CHECK_EQ(base.eax, 0x40000005u);
    XT_CHECK_EQ(base.ebx, 0x566e6558u);
    XT_CHECK_EQ(base.ecx, 0x65584d4du);
    XT_CHECK_EQ(base.edx, 0x4d4d566eu);
    XT_CHECK_EQ(cpuid(0x40000001).eax, (4u << 16) | 17);
    xt::pvh::Cpuid pages = cpuid(0x40000002);
    XT_CHECK_EQ(pages.eax, 1u);
    XT_CHECK_EQ(pages.ebx, 0x40000000u);
    XT_CHECK_EQ(pages.ecx, 0u); // no PV features for HVM
    xt::pvh::Cpuid hvm = cpuid(0x40000004);
    // IOMMU_MAPPINGS, VCPU_ID_PRESENT, DOMID_PRESENT, UPCALL_VECTOR; no APIC/x2APIC
    // virtualization on SVM.
    XT_CHECK_EQ(hvm.eax, 0x5cu);
    XT_CHECK_EQ(hvm.ebx, 0u);               // vCPU 0
    XT_CHECK_EQ(hvm.ecx, 0u);               // dom0
    XT_CHECK_EQ(cpuid(0x40000005).ebx, 0u); // the PV leaf is empty for HVM

    XT_CHECK(cpuid(1).ecx & (1u << 31));                // hypervisor present
    XT_CHECK_EQ(cpuid(1).ecx & (1u << 5), 0u);          // no VMX
    XT_CHECK_EQ(cpuid(1).ecx & (1u << 3), 0u);          // no MONITOR
    XT_CHECK_EQ(cpuid(0x80000001).ecx & (1u << 2), 0u); // no SVM
    xt::pvh::Cpuid svm = cpuid(0x8000000a);
    XT_CHECK_EQ(svm.eax | svm.ebx | svm.ecx | svm.edx, 0u);
    xt::report_success();
}
