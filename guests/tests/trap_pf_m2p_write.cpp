// The machine-to-physical table at MACH2PHYS_VIRT_START is mapped read-only into every PV
// guest: reading it works, a write is bounced as #PF with error code 3 (present, write).
#include "runtime.h"

static volatile uint64_t sink;

void test_main() {
    sink = *reinterpret_cast<volatile uint64_t *>(xen::MACH2PHYS_VIRT_START);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("", "movq $0, (%[a])", [a] "r"(xen::MACH2PHYS_VIRT_START + 8));
    });
    XT_CHECK_EQ(fi.error_code, 3);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(fi.cr2, xen::MACH2PHYS_VIRT_START + 8);
    xt::report_success();
}
