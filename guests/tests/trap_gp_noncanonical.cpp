// A non-canonical address is not a page fault: #GP(0), rip at the access, cr2 unchanged.
#include "runtime.h"

void test_main() {
    xt::vcpu->arch.cr2 = 0x1234; // Xen only writes it for #PF
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, [] {
        XT_SITE_AFTER("mov $0x8000000000000000, %%rcx", "mov (%%rcx), %%rax");
    });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(xt::vcpu->arch.cr2, 0x1234);
    xt::report_success();
}
