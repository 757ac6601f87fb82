// XENVER_compile_info: 0, four NUL-terminated strings within their fields, a compiler
// named. Xen 4.17 (Debian): compiler "x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) ...",
// compile_by "pkg-xen-devel".
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static xen::xen_compile_info ci;
    memset(&ci, 0x55, sizeof ci);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_compile_info, &ci), 0);
    XT_CHECK(xt::strnlen(ci.compiler, sizeof ci.compiler) < sizeof ci.compiler);
    XT_CHECK(xt::strnlen(ci.compile_by, sizeof ci.compile_by) < sizeof ci.compile_by);
    XT_CHECK(xt::strnlen(ci.compile_domain, sizeof ci.compile_domain) < sizeof ci.compile_domain);
    XT_CHECK(xt::strnlen(ci.compile_date, sizeof ci.compile_date) < sizeof ci.compile_date);
    XT_CHECK(ci.compiler[0] != 0);
    xt::printf("compiler '%s' by '%s' @ '%s' on '%s'\n", ci.compiler, ci.compile_by,
               ci.compile_domain, ci.compile_date);
    xt::report_success();
}
