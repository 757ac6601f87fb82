// The forced-emulation prefix only covers CPUID: in front of anything else (nop, rdtsc)
// the ud2 is a plain #UD at the start of the prefix.
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_UD, [] {
        XT_SITE(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tnop");
    });
    XT_CHECK_EQ(fi.rip, xt::site);
    fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\trdtsc"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
