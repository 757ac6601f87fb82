// int3 (0xcc) and int $3 (0xcd 0x03, written as bytes: gas shortens it to 0xcc) reach the
// #BP handler (vector 3) as traps: rip is the byte after the instruction.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_BP, [] { XT_SITE("int3"); });
    XT_CHECK_EQ(fi.rip, xt::site_end);
    XT_CHECK_EQ(fi.rip - xt::site, 1);
    fi = xt::expect_fault(xt::VEC_BP, [] { XT_SITE(".byte 0xcd, 0x03"); });
    XT_CHECK_EQ(fi.rip, xt::site_end);
    XT_CHECK_EQ(fi.rip - xt::site, 2);
    xt::report_success();
}
