// MSRs in a PVH guest on Xen 4.17: EFER reads back what the guest set (long mode active)
// without SVME; the APIC base is the enabled xAPIC at 0xfee00000 of the BSP; PAT starts
// as Xen's own PAT (0x0000050100070406, what Xen 4.17 starts PVH vCPUs with) and takes a
// new one (a reserved type is not checked: Xen passes PAT through on SVM and QEMU does not
// refuse one); an MSR Xen does not know #GPs on read and write.
#include "pvh.h"
#include "runtime.h"

void test_main() {
    using namespace xt::pvh;
    uint64_t v;
    XT_CHECK(rdmsr_safe(0xc0000080, &v));
    XT_CHECK_EQ(v & (1ull << 12), 0ull); // SVME hidden
    XT_CHECK_EQ(v & 0x500, 0x500ull);    // LME, LMA
    XT_CHECK(rdmsr_safe(0x1b, &v));
    XT_CHECK_EQ(v, 0xfee00000ull | (1 << 11) | (1 << 8));
    XT_CHECK(rdmsr_safe(0x277, &v));
    XT_CHECK_EQ(v, 0x0000050100070406ull);
    XT_CHECK(wrmsr_safe(0x277, 0x0007010600070106ull));
    XT_CHECK(rdmsr_safe(0x277, &v));
    XT_CHECK_EQ(v, 0x0007010600070106ull);
    XT_CHECK(wrmsr_safe(0x277, 0x0000050100070406ull));
    XT_CHECK(!rdmsr_safe(0xc001ffff, &v));
    XT_CHECK(!wrmsr_safe(0xc001ffff, 0));
    XT_CHECK(!rdmsr_safe(0x2ff0, &v));
    // EFER.SVME cannot be set by the guest: no nested virtualization.
    XT_CHECK(rdmsr_safe(0xc0000080, &v));
    XT_CHECK(!wrmsr_safe(0xc0000080, v | (1ull << 12)));
    xt::report_success();
}
