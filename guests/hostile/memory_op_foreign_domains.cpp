// memory_op on other domains' memory: populate_physmap, increase_reservation and
// decrease_reservation naming domain 1 (on xenon the heartbeat beside this unprivileged
// domU; on Xen 4.17, where this guest is dom0 alone, no domain), and 0, DOMID_XEN, 12345:
// nothing done (0 extents), the named domain's frames untouched (a frame of domain 1 is
// not this guest's to give back either: 0 done). The queries and XENMEM_exchange on
// domain 1 answer -EPERM for an unprivileged caller (Xen's XSM_TARGET), -ESRCH where it
// does not exist; the largest extent order is 9 for an ordinary domain (18 for the
// control domain).
// hostile: role=domU
#include "hostile.h"

static uint64_t ext[4];

void test_main() {
    using namespace xen;
    const bool privileged = xt::start_info->flags & SIF_PRIVILEGED;
    uint16_t self = DOMID_SELF;
    long pages_before = xt::memory_op(XENMEM_current_reservation, &self);
    auto res = [](uint64_t n, uint32_t order, uint16_t dom) {
        return xen_memory_reservation{{reinterpret_cast<uint64_t>(ext)}, n, order, 0, dom};
    };
    const uint16_t others[] = {1, DOMID_XEN, 12345, uint16_t(privileged ? 12346 : 0)};
    for (uint16_t dom : others) {
        for (unsigned op :
             {XENMEM_populate_physmap, XENMEM_increase_reservation, XENMEM_decrease_reservation}) {
            ext[0] = xt::mfn_of(ext); // decrease: a frame of ours, named as the other's
            xen_memory_reservation r = res(1, 0, dom);
            if (long rc = xt::memory_op(op, &r); rc != 0)
                xt::report_failure("memory_op %u on d%u = %ld, expected 0", op, dom, rc);
        }
    }
    uint16_t one = 1;
    long want = privileged ? -XEN_ESRCH : -XEN_EPERM;
    XT_CHECK_RC(xt::memory_op(XENMEM_current_reservation, &one), want);
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_reservation, &one), want);
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_gpfn, &one), want);
    xen_memory_exchange ex{};
    ext[0] = xt::mfn_of(ext);
    ex.in = res(1, 0, 1);
    ex.out = res(1, 0, 1);
    XT_CHECK_RC(xt::memory_op(XENMEM_exchange, &ex), want);
    XT_CHECK_EQ(ex.nr_exchanged, 0);

    // The order limit: 10 is too large for an ordinary domain (nothing done); the control
    // domain gets its 4 MiB extent and gives it back.
    ext[0] = xt::start_info->nr_pages + 0x1000;
    xen_memory_reservation r = res(1, 10, DOMID_SELF);
    XT_CHECK_RC(xt::memory_op(XENMEM_populate_physmap, &r), privileged ? 1 : 0);
    if (privileged)
        XT_CHECK_RC(xt::memory_op(XENMEM_decrease_reservation, &r), 1);

    XT_CHECK_EQ(xt::memory_op(XENMEM_current_reservation, &self), pages_before);
    XT_CHECK_EQ(hostile::m2p[xt::mfn_of(ext)], xt::pfn_of(ext));
    hostile::pass();
}
