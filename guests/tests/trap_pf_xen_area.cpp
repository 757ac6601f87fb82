// Reads inside the hypervisor's reserved area (above the m2p table) fault with #PF: the
// guest sees a supervisor-only or absent page (error code 0 or 1, never W/U/I),
// cr2 = the address.
#include "runtime.h"

void test_main() {
    for (uint64_t a : {0xffff830000000000ull, 0xffff82d040000000ull, 0xffff87fffffff000ull}) {
        static uint64_t addr;
        addr = a;
        xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
            XT_SITE_AFTER("", "mov (%[a]), %%rax", [a] "r"(addr));
        });
        XT_CHECK_EQ(fi.error_code & ~1ull, 0);
        XT_CHECK_EQ(fi.rip, xt::site);
        XT_CHECK_EQ(fi.cr2, a);
    }
    xt::report_success();
}
