// XENMEM_claim_pages as libxc's meminit uses it (xl's claim_mode=1 default), from the
// control domain on itself: extent bits in cmd, a list, an order or flags: -EINVAL; no
// such domain (DOMID_SELF included): -EINVAL. A total not above tot_pages or above
// max_pages: -EINVAL; above the free memory: -ENOMEM. A claim of 256 more pages is shown
// in getdomaininfo's and physinfo's outstanding_pages, a second claim is -EINVAL, pages
// given by increase_reservation come out of it, and 0 drops it.
#include "memop_util.h"
#include "public/domctl.h"
#include "public/sysctl.h"

static xen::xen_domctl dc;
static xen::xen_sysctl sc;
static uint64_t frames[16];

static long claim(uint64_t pages, xen::domid_t domid = 0, unsigned order = 0, uint32_t flags = 0,
                  uint64_t* list = nullptr, unsigned extent = 0) {
    xen::xen_memory_reservation r{{reinterpret_cast<uint64_t>(list)}, pages, order, flags, domid};
    return xt::hypercall(xen::HYPERVISOR_memory_op,
                         xen::XENMEM_claim_pages | (uint64_t(extent) << xen::MEMOP_EXTENT_SHIFT),
                         xt::arg(&r));
}

static long domctl(uint32_t cmd) {
    dc.cmd = cmd;
    dc.interface_version = xen::XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 0;
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(&dc));
}

static long set_max_pages(uint64_t pages) {
    dc.u.max_mem.max_memkb = pages * 4;
    return domctl(xen::XEN_DOMCTL_max_mem);
}

static uint64_t outstanding() {
    XT_CHECK_RC(domctl(xen::XEN_DOMCTL_getdomaininfo), 0);
    return dc.u.getdomaininfo.outstanding_pages;
}

static xen::xen_sysctl_physinfo& physinfo() {
    sc.cmd = xen::XEN_SYSCTL_physinfo;
    sc.interface_version = xen::XEN_SYSCTL_INTERFACE_VERSION;
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_sysctl, xt::arg(&sc)), 0);
    return sc.u.physinfo;
}

void test_main() {
    using namespace xen;
    domid_t self = DOMID_SELF;
    const long max_before = xt::memory_op(XENMEM_maximum_reservation, &self);
    const uint64_t tot = memop::current_pages();
    const uint64_t free = physinfo().free_pages;
    XT_CHECK_RC(set_max_pages(tot + free + 4096), 0);

    XT_CHECK_RC(claim(tot + 256, 0, 0, 0, nullptr, 1), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot + 256, 0, 1), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot + 256, 0, 0, 1), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot + 256, 0, 0, 0, frames), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot + 256, 12345), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot + 256, DOMID_SELF), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot), -XEN_EINVAL);
    XT_CHECK_RC(claim(tot + free + 2048), -XEN_ENOMEM);
    XT_CHECK_EQ(outstanding(), 0u);

    XT_CHECK_RC(claim(tot + 256), 0);
    XT_CHECK_EQ(outstanding(), 256u);
    XT_CHECK_EQ(physinfo().outstanding_pages, 256u);
    XT_CHECK_RC(claim(tot + 512), -XEN_EINVAL);
    XT_CHECK_RC(memop::reservation(XENMEM_increase_reservation, frames, 16), 16);
    XT_CHECK_EQ(outstanding(), 240u);
    XT_CHECK_RC(claim(0), 0);
    XT_CHECK_EQ(outstanding(), 0u);
    XT_CHECK_EQ(physinfo().outstanding_pages, 0u);
    XT_CHECK_RC(memop::decrease(frames, 16), 16);
    XT_CHECK_EQ(memop::current_pages(), static_cast<long>(tot));

    XT_CHECK_RC(set_max_pages(tot + 100), 0);
    XT_CHECK_RC(claim(tot + 200), -XEN_EINVAL);
    XT_CHECK_RC(set_max_pages(max_before), 0);
    xt::report_success();
}
