// set_debugreg / get_debugreg: DR0-DR3 take canonical guest addresses (round trip);
// addresses in Xen's area or non-canonical ones are -EPERM. DR7 reads 0x400 when clear;
// its upper half (reserved) is -EINVAL, GD (bit 13) -EPERM; with CR4.DE clear DR4/DR5
// alias DR6/DR7. Register numbers past 7 are -ENODEV.
#include "runtime.h"

static long set(unsigned r, uint64_t v) {
    return xt::hypercall(xen::HYPERVISOR_set_debugreg, r, v);
}
static long get(unsigned r) {
    return xt::hypercall(xen::HYPERVISOR_get_debugreg, r);
}

void test_main() {
    static uint64_t var;
    uint64_t a = reinterpret_cast<uint64_t>(&var);
    XT_CHECK_RC(set(0, a), 0);
    XT_CHECK_EQ(get(0), long(a));
    XT_CHECK_RC(set(3, 0x00007ffffffffff8), 0);
    XT_CHECK_EQ(get(3), 0x00007ffffffffff8);
    XT_CHECK_RC(set(1, 0xffff830000000000), -xen::XEN_EPERM);
    XT_CHECK_RC(set(1, 0x8000000000000000), -xen::XEN_EPERM);
    XT_CHECK_EQ(get(7), 0x400);
    XT_CHECK_RC(set(7, 1ull << 32), -xen::XEN_EINVAL);
    XT_CHECK_RC(set(7, 1u << 13), -xen::XEN_EPERM);
    XT_CHECK_EQ(get(7), 0x400);
    XT_CHECK_EQ(get(6), 0xffff0ff0);
    XT_CHECK_EQ(get(4), get(6));
    XT_CHECK_EQ(get(5), get(7));
    XT_CHECK_RC(set(8, 0), -xen::XEN_ENODEV);
    XT_CHECK_RC(get(8), -xen::XEN_ENODEV);
    xt::report_success();
}
