// XENVER_guest_handle: 0 and the domain's 16-byte handle, all zero for dom0.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static uint8_t h[32];
    memset(h, 0x55, sizeof h);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_guest_handle, h), 0);
    for (unsigned i = 0; i < 16; i++)
        XT_CHECK_EQ(h[i], 0);
    XT_CHECK_EQ(h[16], 0x55);
    xt::report_success();
}
