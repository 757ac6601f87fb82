// Unknown XENVER sub-ops (above XENVER_build_id = 10) return -ENOSYS; a bad buffer for a
// known one returns -EFAULT (user-half address with nothing mapped, and Xen's own area).
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static char buf[1024];
    for (unsigned cmd : {11u, 12u, 0x1234u, 0xffffffffu})
        XT_CHECK_RC(xt::xen_version(cmd, buf), -xen::XEN_ENOSYS);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_capabilities, reinterpret_cast<void *>(0x1000)),
                -xen::XEN_EFAULT);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_capabilities,
                                reinterpret_cast<void *>(0xffff830000000000)),
                -xen::XEN_EFAULT);
    xt::report_success();
}
