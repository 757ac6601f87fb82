// A write to an address with nothing mapped is bounced as #PF with error code 2 (write,
// not present, supervisor) and cr2 = the address.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("mov $0x2008, %%ecx", "movq $1, (%%rcx)");
    });
    XT_CHECK_EQ(fi.error_code, 2);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(fi.cr2, 0x2008);
    xt::report_success();
}
