// XENVER_pagesize returns the page size itself: 4096.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    XT_CHECK_RC(xt::xen_version(xen::XENVER_pagesize), 4096);
    xt::report_success();
}
