// The toolstack's hypercalls from an ordinary domain (on xenon a domU beside the
// heartbeat and dom0; on Xen 4.17, where this guest is dom0 alone, they are allowed):
// every sysctl, every domctl on a domain that exists and every mca and claim_pages is -EPERM, but
// only after Xen's earlier checks: an unreadable argument -EFAULT, another interface version
// -EACCES, a domctl naming no domain -ESRCH. Nothing it asked for happened: dom0's credit2 weight
// is still the default when read back by a domain that may.
// hostile: role=domU
#include "hostile.h"
#include "public/domctl.h"
#include "public/memory.h"
#include "public/sysctl.h"
#include "public/xen_mca.h"

static xen::xen_domctl dc;
static xen::xen_sysctl sc;
static xen::xen_mc mc;

static long domctl(uint32_t cmd, xen::domid_t dom,
                   uint32_t version = xen::XEN_DOMCTL_INTERFACE_VERSION) {
    dc.cmd = cmd;
    dc.interface_version = version;
    dc.domain = dom;
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(&dc));
}

static long sysctl(uint32_t cmd, uint32_t version = xen::XEN_SYSCTL_INTERFACE_VERSION) {
    sc.cmd = cmd;
    sc.interface_version = version;
    return xt::hypercall(xen::HYPERVISOR_sysctl, xt::arg(&sc));
}

void test_main() {
    using namespace xen;
    const bool privileged = xt::start_info->flags & SIF_PRIVILEGED;
    const long denied = privileged ? 0 : -XEN_EPERM;

    XT_CHECK_RC(xt::hypercall(HYPERVISOR_sysctl, 0xffff800000001000ull), -XEN_EFAULT);
    XT_CHECK_RC(sysctl(XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION - 1), -XEN_EACCES);
    XT_CHECK_RC(sysctl(XEN_SYSCTL_physinfo), denied);
    XT_CHECK_RC(sysctl(XEN_SYSCTL_sched_id), denied);
    memset(&sc.u, 0, sizeof sc.u);
    sc.u.getdomaininfolist.max_domains = 0;
    XT_CHECK_RC(sysctl(XEN_SYSCTL_getdomaininfolist), denied);
    memset(&sc.u, 0, sizeof sc.u);
    XT_CHECK_RC(sysctl(XEN_SYSCTL_readconsole), denied); // count 0: reads nothing
    memset(&sc.u, 0, sizeof sc.u);
    sc.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO;
    XT_CHECK_RC(sysctl(XEN_SYSCTL_cpupool_op), denied);
    XT_CHECK_RC(sysctl(99), privileged ? -XEN_ENOSYS : -XEN_EPERM);

    XT_CHECK_RC(xt::hypercall(HYPERVISOR_domctl, 0xffff800000001000ull), -XEN_EFAULT);
    XT_CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 0, XEN_DOMCTL_INTERFACE_VERSION + 1), -XEN_EACCES);
    XT_CHECK_RC(domctl(XEN_DOMCTL_pausedomain, 77), -XEN_ESRCH);
    XT_CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, 77), -XEN_ESRCH);
    XT_CHECK_RC(domctl(99, 77), -XEN_ESRCH);
    memset(&dc.u, 0, sizeof dc.u);
    XT_CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 0), denied);
    memset(&dc.u, 0, sizeof dc.u);
    dc.u.getvcpuinfo.vcpu = 0;
    XT_CHECK_RC(domctl(XEN_DOMCTL_getvcpuinfo, 0), denied);
    memset(&dc.u, 0, sizeof dc.u);
    dc.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    dc.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    dc.u.scheduler_op.u.credit2.weight = 1;
    if (!privileged) // (as dom0 on Xen it would apply)
        XT_CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, 0), -XEN_EPERM);
    XT_CHECK_RC(domctl(99, 0), privileged ? -XEN_ENOSYS : -XEN_EPERM);
    // HYPERVISOR_mca: the caller's right comes before reading the argument.
    if (!privileged)
        XT_CHECK_RC(xt::hypercall(HYPERVISOR_mca, 0xffff800000001000ull), -XEN_EPERM);
    mc.cmd = XEN_MC_physcpuinfo;
    mc.interface_version = XEN_MCA_INTERFACE_VERSION;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_mca, xt::arg(&mc)), denied);
    // XENMEM_claim_pages on dom0 (0 pages: dropping a claim it does not hold).
    xen::xen_memory_reservation claim{{0}, 0, 0, 0, 0};
    XT_CHECK_RC(xt::memory_op(XENMEM_claim_pages, &claim), denied);
    if (privileged) {
        memset(&dc.u, 0, sizeof dc.u);
        dc.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
        dc.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
        XT_CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, 0), 0);
        XT_CHECK_EQ(dc.u.scheduler_op.u.credit2.weight, 256);
    }
    hostile::pass();
}
