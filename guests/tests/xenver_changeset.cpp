// XENVER_changeset: 0 and a NUL-terminated string within 64 bytes (Debian's Xen 4.17: "").
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static char buf[128];
    memset(buf, 0x55, sizeof buf);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_changeset, buf), 0);
    XT_CHECK(xt::strnlen(buf, xen::XEN_CHANGESET_INFO_LEN) < xen::XEN_CHANGESET_INFO_LEN);
    XT_CHECK_EQ(buf[xen::XEN_CHANGESET_INFO_LEN], 0x55);
    xt::printf("changeset '%s'\n", buf);
    xt::report_success();
}
