// Port I/O from dom0's kernel without PHYSDEVOP_set_iopl or an I/O bitmap is bounced as
// #GP(0), rip at the instruction (in and out, immediate and dx forms).
#include "runtime.h"

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("inb $0x80, %%al"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("outb %%al, $0x80"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE_AFTER("mov $0x71, %%edx", "inb %%dx, %%al"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
