// int $0x80 with no trap-table entry for 0x80 is bounced as #GP with the IDT-format error
// code (0x80 << 3) | 2 = 0x402, rip at the int.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("int $0x80"); });
    XT_CHECK_EQ(fi.error_code, 0x402);
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
