// domctl from a domain that is not the control domain: creating a domain, destroying,
// pausing, resizing or re-contexting domain 0 (and itself), writing its hypercall page:
// -EPERM for each (Xen 4.17's XSM default), and domain 0 goes on. Where this guest is
// the control domain (dom0 alone on Xen 4.17) the same calls name the caller itself,
// which Xen refuses with -EINVAL (a domain cannot pause itself), and a createdomain with
// an unknown flag is -EINVAL.
// hostile: role=domU
#include "hostile.h"
#include "public/domctl.h"

static xen::xen_domctl dc;
alignas(16) static xen::vcpu_guest_context ctx;

static long domctl(uint32_t cmd, xen::domid_t dom) {
    dc.cmd = cmd;
    dc.interface_version = xen::XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(&dc));
}

void test_main() {
    using namespace xen;
    const bool privileged = xt::start_info->flags & SIF_PRIVILEGED;
    // The domain named: 0 for a domU, the caller itself when it is dom0.
    const domid_t target = 0;
    const long refused = privileged ? -XEN_EINVAL : -XEN_EPERM;

    dc = {};
    dc.u.createdomain.flags = 1u << 8;
    dc.u.createdomain.max_vcpus = 1;
    XT_CHECK_RC(domctl(XEN_DOMCTL_createdomain, 0), privileged ? -XEN_EINVAL : -XEN_EPERM);
    const uint32_t cmds[] = {XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain, XEN_DOMCTL_max_vcpus,
                             XEN_DOMCTL_setvcpucontext, XEN_DOMCTL_settscinfo};
    for (uint32_t cmd : cmds) {
        dc = {};
        dc.u.vcpucontext.ctxt.p = reinterpret_cast<uint64_t>(&ctx);
        long rc = domctl(cmd, target);
        if (rc != refused)
            xt::report_failure("domctl %u on d%u: %ld (%s), expected %ld", cmd, target, rc,
                               xt::errno_name(rc), refused);
    }
    if (!privileged) {
        // Harmless for the control domain, refused for anyone else.
        dc = {};
        dc.u.max_mem.max_memkb = 4;
        XT_CHECK_RC(domctl(XEN_DOMCTL_max_mem, 0), -XEN_EPERM);
        dc = {};
        dc.u.hypercall_init.gmfn = xt::mfn_of(&dc);
        XT_CHECK_RC(domctl(XEN_DOMCTL_hypercall_init, 0), -XEN_EPERM);
        XT_CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, 0), -XEN_EPERM);
        XT_CHECK_RC(domctl(XEN_DOMCTL_unpausedomain, 0), -XEN_EPERM);
    }
    hostile::pass();
}
