// A multicall entry with a bad hypercall number gets -ENOSYS as its result, the entries
// around it still run, and the multicall itself returns 0. Unknown sub-ops give their
// handler's error; a nested multicall gets -EINVAL; set_trap_table's -EFAULT comes back
// in its entry.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static xen::multicall_entry mc[6];
    mc[0].op = xen::HYPERVISOR_xen_version;
    mc[0].args[0] = xen::XENVER_version;
    mc[1].op = 60;
    mc[2].op = xen::HYPERVISOR_xen_version;
    mc[2].args[0] = xen::XENVER_pagesize;
    mc[3].op = xen::HYPERVISOR_xen_version;
    mc[3].args[0] = 99;
    mc[4].op = xen::HYPERVISOR_multicall;
    mc[4].args[0] = xt::arg(&mc[0]);
    mc[4].args[1] = 1;
    mc[5].op = xen::HYPERVISOR_set_trap_table;
    mc[5].args[0] = 0x1000;
    for (auto &m : mc)
        m.result = 0x5555;
    XT_CHECK_RC(xt::multicall(mc, 6), 0);
    XT_CHECK(long(mc[0].result) > 0);
    XT_CHECK_EQ(long(mc[1].result), -xen::XEN_ENOSYS);
    XT_CHECK_EQ(long(mc[2].result), 4096);
    XT_CHECK_EQ(long(mc[3].result), -xen::XEN_ENOSYS);
    XT_CHECK_EQ(long(mc[4].result), -xen::XEN_EINVAL);
    XT_CHECK_EQ(long(mc[5].result), -xen::XEN_EFAULT);
    xt::report_success();
}
