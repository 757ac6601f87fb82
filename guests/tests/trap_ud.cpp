// ud2 is bounced to the guest's #UD handler (vector 6) with rip at the ud2, and the
// instruction is not skipped.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(fi.error_code, 0); // no error code (the runtime pads a zero)
    xt::report_success();
}
