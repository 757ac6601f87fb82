// Jumping to an address with nothing mapped is bounced as #PF with error code 0x10
// (instruction fetch; Xen runs with EFER.NX on), rip = cr2 = the target.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        asm volatile("call *%0" ::"r"(0x3000ul) : "memory");
    });
    XT_CHECK_EQ(fi.error_code, 0x10);
    XT_CHECK_EQ(fi.rip, 0x3000);
    XT_CHECK_EQ(fi.cr2, 0x3000);
    xt::report_success();
}
