// XENVER_platform_parameters: 0, virt_start = HYPERVISOR_VIRT_START (0xffff800000000000)
// for a 64-bit PV guest.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    xen::xen_platform_parameters p{0x5555};
    XT_CHECK_RC(xt::xen_version(xen::XENVER_platform_parameters, &p), 0);
    XT_CHECK_EQ(p.virt_start, xen::HYPERVISOR_VIRT_START);
    xt::report_success();
}
