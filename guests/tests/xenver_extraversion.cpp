// XENVER_extraversion: 0, and a NUL-terminated string within its 16 bytes.
// Xen 4.17 (Debian 4.17.7): ".7".
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static char buf[64];
    memset(buf, 0x55, sizeof buf);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_extraversion, buf), 0);
    XT_CHECK(xt::strnlen(buf, xen::XEN_EXTRAVERSION_LEN) < xen::XEN_EXTRAVERSION_LEN);
    XT_CHECK_EQ(buf[xen::XEN_EXTRAVERSION_LEN], 0x55); // nothing written past the field
    xt::printf("extraversion '%s'\n", buf);
    xt::report_success();
}
