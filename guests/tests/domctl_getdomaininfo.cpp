// XEN_DOMCTL_getdomaininfo(0) at interface version 0x15 from dom0: 0; domain 0, running,
// not HVM, tot_pages = start_info.nr_pages, max_pages no smaller, one vCPU online, the
// shared_info frame of start_info. A domain that does not exist: -ESRCH; DOMID_SELF:
// -EINVAL (domctl takes real ids); another interface version: -EACCES; unknown command:
// -ENOSYS; unreadable argument: -EFAULT.
#include "public/domctl.h"
#include "runtime.h"

static xen::xen_domctl dc;

static long domctl(uint32_t cmd, xen::domid_t dom, uint32_t version = xen::XEN_DOMCTL_INTERFACE_VERSION) {
    memset(&dc, 0, sizeof dc);
    dc.cmd = cmd;
    dc.interface_version = version;
    dc.domain = dom;
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(&dc));
}

void test_main() {
    using namespace xen;
    XT_CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 0), 0);
    const xen_domctl_getdomaininfo &i = dc.u.getdomaininfo;
    xt::printf("flags %#x tot %lu max %lu shinfo %#lx vcpus %u (max id %u)\n", i.flags,
               i.tot_pages, i.max_pages, i.shared_info_frame, i.nr_online_vcpus, i.max_vcpu_id);
    XT_CHECK_EQ(i.domain, 0);
    XT_CHECK(i.flags & XEN_DOMINF_running);
    XT_CHECK(!(i.flags & (XEN_DOMINF_hvm_guest | XEN_DOMINF_dying | XEN_DOMINF_shutdown |
                          XEN_DOMINF_paused)));
    XT_CHECK_EQ(i.tot_pages, xt::start_info->nr_pages);
    XT_CHECK(i.max_pages >= i.tot_pages);
    XT_CHECK_EQ(i.nr_online_vcpus, 1);
    XT_CHECK_EQ(i.shared_info_frame, xt::start_info->shared_info >> 12);
    XT_CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 5), -XEN_ESRCH);
    XT_CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, DOMID_SELF), -XEN_EINVAL);
    XT_CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 0, XEN_DOMCTL_INTERFACE_VERSION - 1), -XEN_EACCES);
    XT_CHECK_RC(domctl(999, 0), -XEN_ENOSYS);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_domctl, 0x1000), -XEN_EFAULT);
    xt::report_success();
}
