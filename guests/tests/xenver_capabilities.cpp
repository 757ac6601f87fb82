// XENVER_capabilities: 0, a NUL-terminated list naming "xen-3.0-x86_64" (64-bit PV).
// Xen 4.17: "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ".
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static xen::xen_capabilities_info_t caps;
    memset(caps, 0x55, sizeof caps);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_capabilities, caps), 0);
    XT_CHECK(xt::strnlen(caps, sizeof caps) < sizeof caps);
    xt::printf("capabilities '%s'\n", caps);
    XT_CHECK(xt::strstr(caps, "xen-3.0-x86_64") != nullptr);
    xt::report_success();
}
