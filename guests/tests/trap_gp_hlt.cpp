// hlt in a PV guest kernel (which runs in ring 3) is bounced as #GP with error code 0,
// rip at the hlt.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("hlt"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
