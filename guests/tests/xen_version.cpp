// XENVER_version: (major << 16) | minor. xenon reports its own version, compatible with
// Xen 4.17, so only "major >= 4" is asserted; the SYSCALL and hypercall-page paths agree.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    long v = xt::xen_version(xen::XENVER_version);
    xt::printf("XENVER_version = %#lx (%ld.%ld)\n", v, v >> 16, v & 0xffff);
    XT_CHECK(v > 0);
    XT_CHECK((v >> 16) >= 4);
    XT_CHECK_EQ(xt::page_hypercall(xen::HYPERVISOR_xen_version, xen::XENVER_version), v);
    xt::report_success();
}
