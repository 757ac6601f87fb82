// A division by zero is bounced as #DE (vector 0) with rip at the div instruction.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_DE, [] {
        XT_SITE_AFTER("xor %%ecx, %%ecx\n\txor %%edx, %%edx\n\tmov $1, %%eax", "div %%ecx");
    });
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
