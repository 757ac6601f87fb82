// A multicall of several xen_version calls returns 0 and writes each call's own result
// into its entry; an empty batch returns 0; an unreadable batch -EFAULT.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static xen::multicall_entry mc[3];
    mc[0].op = xen::HYPERVISOR_xen_version;
    mc[0].args[0] = xen::XENVER_version;
    mc[1].op = xen::HYPERVISOR_xen_version;
    mc[1].args[0] = xen::XENVER_pagesize;
    static xen::xen_platform_parameters p;
    mc[2].op = xen::HYPERVISOR_xen_version;
    mc[2].args[0] = xen::XENVER_platform_parameters;
    mc[2].args[1] = xt::arg(&p);
    for (auto &m : mc)
        m.result = 0x5555;
    XT_CHECK_RC(xt::multicall(mc, 3), 0);
    XT_CHECK_EQ(long(mc[0].result), xt::xen_version(xen::XENVER_version));
    XT_CHECK_EQ(long(mc[1].result), 4096);
    XT_CHECK_EQ(long(mc[2].result), 0);
    XT_CHECK_EQ(p.virt_start, xen::HYPERVISOR_VIRT_START);
    XT_CHECK_RC(xt::multicall(mc, 0), 0);
    XT_CHECK_RC(xt::multicall(reinterpret_cast<xen::multicall_entry *>(0x1000), 1),
                -xen::XEN_EFAULT);
    xt::report_success();
}
