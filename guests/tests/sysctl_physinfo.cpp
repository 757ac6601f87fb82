// XEN_SYSCTL_physinfo at interface version 0x15 (dom0 may): 0; 2 CPUs online (QEMU
// -smp 2), PV guests supported, a CPU clock, total_pages > free_pages > 0 and no more
// pages than max_mfn allows. Another interface version: -EACCES; unknown command: -ENOSYS.
#include "public/sysctl.h"
#include "runtime.h"

static xen::xen_sysctl sc;

void test_main() {
    using namespace xen;
    sc.cmd = XEN_SYSCTL_physinfo;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_sysctl, xt::arg(&sc)), 0);
    const xen_sysctl_physinfo &p = sc.u.physinfo;
    xt::printf("cpus %u max_cpu_id %u khz %u caps %#x pages %lu free %lu max_mfn %#lx\n",
               p.nr_cpus, p.max_cpu_id, p.cpu_khz, p.capabilities, p.total_pages, p.free_pages,
               p.max_mfn);
    XT_CHECK_EQ(p.nr_cpus, 2);
    XT_CHECK(p.max_cpu_id >= 1);
    XT_CHECK(p.capabilities & XEN_SYSCTL_PHYSCAP_pv);
    XT_CHECK(p.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1);
    XT_CHECK(p.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2);
    XT_CHECK(p.cpu_khz > 0);
    XT_CHECK(p.total_pages > p.free_pages && p.free_pages > 0);
    XT_CHECK(p.total_pages <= p.max_mfn + 1);
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_sysctl, xt::arg(&sc)), -XEN_EACCES);
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    sc.cmd = 99;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_sysctl, xt::arg(&sc)), -XEN_ENOSYS);
    xt::report_success();
}
