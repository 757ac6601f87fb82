// A read of an address with nothing mapped (low user half) is bounced as #PF with error
// code 0 (not present, read, and supervisor: the U bit reflects the guest's kernel mode,
// not the ring 3 it really runs in); the address is in vcpu_info.arch.cr2.
#include "runtime.h"

static volatile uint64_t sink;

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("mov $0x1000, %%ecx", "mov (%%rcx), %%rax");
    });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(fi.cr2, 0x1000);
    XT_CHECK_EQ(xt::vcpu->arch.cr2, 0x1000);
    fi = xt::expect_fault(xt::VEC_PF, [] { sink = *reinterpret_cast<volatile uint64_t *>(0x5678); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.cr2, 0x5678);
    xt::report_success();
}
