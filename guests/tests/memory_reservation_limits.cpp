// The limits of the reservation sub-ops, each answered with the number of extents done:
//   - a domain may not exceed its maximum reservation (XEN_DOMCTL_max_mem on itself):
//     populate_physmap stops at the limit;
//   - an extent order above the caller's limit (18 for the control domain) does nothing;
//   - an extent list that cannot be read or written: nothing for populate_physmap; an
//     extent allocated by increase_reservation whose frame cannot be reported stays;
//   - address_bits of 12 or less, a NUMA node past Xen's 64: nothing; address_bits 32:
//     frames below 4 GiB;
//   - a domain that does not exist (12345, DOMID_XEN): nothing; an argument that cannot
//     be read: nothing.
#include "memop_util.h"
#include "public/domctl.h"

static uint64_t list[8];
static xen::xen_domctl dc;

static long set_max_pages(uint64_t pages) {
    dc = {};
    dc.cmd = xen::XEN_DOMCTL_max_mem;
    dc.interface_version = xen::XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 0;
    dc.u.max_mem.max_memkb = pages * 4;
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(&dc));
}

void test_main() {
    using namespace xen;
    const uint64_t base = xt::start_info->nr_pages + 0x400;
    xen::domid_t self = DOMID_SELF;
    long max_before = xt::memory_op(XENMEM_maximum_reservation, &self);
    long cur = memop::current_pages();

    // The maximum reservation.
    XT_CHECK_RC(set_max_pages(cur + 3), 0);
    XT_CHECK_EQ(xt::memory_op(XENMEM_maximum_reservation, &self), cur + 3);
    for (int i = 0; i < 8; i++)
        list[i] = base + i;
    XT_CHECK_RC(memop::populate(list, 8), 3);
    XT_CHECK_EQ(memop::current_pages(), cur + 3);
    XT_CHECK_RC(memop::reservation(XENMEM_increase_reservation, list + 3, 1), 0);
    XT_CHECK_RC(memop::decrease(list, 1), 1);
    XT_CHECK_RC(memop::populate(list + 4, 1, 1), 0); // 2 frames do not fit in 1
    XT_CHECK_RC(memop::populate(list + 4, 1), 1);
    // Below what it holds: no new frames until it is under it again.
    XT_CHECK_RC(set_max_pages(cur), 0);
    XT_CHECK_RC(memop::populate(list + 5, 1), 0);
    XT_CHECK_RC(memop::decrease(list + 1, 1), 1);
    XT_CHECK_RC(memop::populate(list + 5, 1), 0);
    XT_CHECK_RC(set_max_pages(uint64_t(max_before)), 0);
    XT_CHECK_EQ(xt::memory_op(XENMEM_maximum_reservation, &self), max_before);
    cur = memop::current_pages();

    // Extent orders.
    list[0] = base + 0x40;
    for (unsigned op :
         {XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap})
        XT_CHECK_RC(memop::reservation(op, list, 1, 19), 0);
    XT_CHECK_EQ(memop::current_pages(), cur);

    // Extent lists that cannot be used.
    auto* unmapped = reinterpret_cast<uint64_t*>(0x1000);
    auto* xen_range = reinterpret_cast<uint64_t*>(0xffff830000000000ull);
    XT_CHECK_RC(memop::populate(unmapped, 1), 0);
    XT_CHECK_RC(memop::populate(xen_range, 1), 0);
    XT_CHECK_RC(memop::reservation(XENMEM_increase_reservation, xen_range, 1), 0);
    XT_CHECK_EQ(memop::current_pages(), cur);
    XT_CHECK_RC(memop::reservation(XENMEM_increase_reservation, unmapped, 1), 0);
    XT_CHECK_EQ(memop::current_pages(), cur + 1);
    cur++;
    XT_CHECK_RC(xt::memory_op(XENMEM_populate_physmap, unmapped), 0);

    // Flags.
    list[0] = base + 0x41;
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, list, 1, 0, XENMEMF_address_bits(12)),
                0);
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, list, 1, 0, XENMEMF_node(64)), 0);
    XT_CHECK_EQ(memop::current_pages(), cur);
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, list, 1, 0, XENMEMF_address_bits(32)),
                1);
    XT_CHECK(list[0] < (1ull << 20));
    XT_CHECK_EQ(memop::current_pages(), cur + 1);
    cur++;

    // Domains.
    list[0] = base + 0x42;
    for (xen::domid_t dom : {xen::domid_t(12345), DOMID_XEN, DOMID_IO})
        XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, list, 1, 0, 0, dom), 0);
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, list, 1, 0, 0, 0), 1); // own id
    XT_CHECK_EQ(memop::current_pages(), cur + 1);
    xt::report_success();
}
