// set_trap_table from an unreadable address returns -EFAULT and leaves the installed
// table alone: a #UD still reaches the runtime's handler afterwards.
#include "runtime.h"

void test_main() {
    XT_CHECK_RC(xt::set_trap_table(reinterpret_cast<void *>(0x1000)), -xen::XEN_EFAULT);
    XT_CHECK_RC(xt::set_trap_table(reinterpret_cast<void *>(0xffff830000000000)),
                -xen::XEN_EFAULT);
    xt::fault_info fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
