// Physical interrupts asked for by a domain that owns none (on xenon a domU beside the
// heartbeat; on Xen 4.17, where this guest is dom0 alone, only the answers that do not
// depend on the hardware domain's rights are checked, plus its own where they differ).
// Xen checks, in order: a readable argument (-EFAULT), the domain named (-ESRCH), the
// caller's right (-EPERM), then the numbers (-EINVAL).
// hostile: role=domU
#include "hostile.h"
#include "public/event_channel.h"
#include "public/physdev.h"

using namespace xen;

static constexpr uint64_t kXenVa = 0xffff830000000000ull;

static long map_gsi(uint16_t domid, int type, int index, uint64_t table_base = 0) {
    physdev_map_pirq m{};
    m.domid = domid;
    m.type = type;
    m.index = index;
    m.pirq = -1;
    m.table_base = table_base;
    return xt::physdev_op(PHYSDEVOP_map_pirq, &m);
}

void test_main() {
    const bool dom0 = xt::start_info->flags & SIF_PRIVILEGED;
    const long eperm = -XEN_EPERM;

    // map_pirq: a MULTI_MSI with a table is refused first, a missing domain next.
    XT_CHECK_RC(map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_MULTI_MSI, 0, 1), -XEN_EINVAL);
    XT_CHECK_RC(map_gsi(1000, MAP_PIRQ_TYPE_GSI, 4), -XEN_ESRCH);
    XT_CHECK_RC(map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, 0x7fffffff), dom0 ? -XEN_EINVAL : eperm);
    XT_CHECK_RC(map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, -1), dom0 ? -XEN_EINVAL : eperm);
    XT_CHECK_RC(map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_UNKNOWN, 4), dom0 ? -XEN_EINVAL : eperm);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_map_pirq, reinterpret_cast<void*>(kXenVa)), -XEN_EFAULT);
    if (!dom0) {
        XT_CHECK_RC(map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, 4), eperm);
        XT_CHECK_RC(map_gsi(0, MAP_PIRQ_TYPE_GSI, 4), eperm);
        XT_CHECK_RC(map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_MSI, 0), eperm);
    }

    physdev_unmap_pirq um{1000, 1};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_unmap_pirq, &um), -XEN_ESRCH);
    um = {DOMID_SELF, 0x7fffffff};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_unmap_pirq, &um), dom0 ? -XEN_EINVAL : eperm);
    if (!dom0) {
        um = {0, 1};
        XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_unmap_pirq, &um), eperm);
    }

    // setup_gsi: the GSI's range before the right.
    for (int gsi : {-1, 1000, 0x7fffffff}) {
        physdev_setup_gsi sg{gsi, 1, 1};
        XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_setup_gsi, &sg), -XEN_EINVAL);
    }
    if (!dom0) {
        physdev_setup_gsi sg{9, 1, 1};
        XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_setup_gsi, &sg), eperm);
    }

    // irq_status_query answers any domain for a pirq in its range: EOI needed, not shared.
    for (uint32_t irq : {100000u, 0x7fffffffu, 0x80000000u, 0xffffffffu}) {
        physdev_irq_status_query q{irq, 77};
        XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);
        XT_CHECK_EQ(q.flags, 77u);
    }
    physdev_irq_status_query q{1, 77};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_irq_status_query, &q), 0);
    XT_CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_irq_status_query, reinterpret_cast<void*>(kXenVa)),
                -XEN_EFAULT);

    // eoi of a pirq out of range, or (domU) never mapped.
    for (uint32_t irq : {100000u, 0xffffffffu}) {
        physdev_eoi e{irq};
        XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), -XEN_EINVAL);
    }
    if (!dom0) {
        physdev_eoi e{1};
        XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), -XEN_EINVAL);
    }

    // bind_pirq: the range, then the right.
    evtchn_bind_pirq bp{100000, 0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_pirq, &bp), -XEN_EINVAL);
    if (!dom0) {
        for (uint32_t pirq : {0u, 1u, 9u, 23u}) {
            bp = {pirq, BIND_PIRQ__WILL_SHARE, 0};
            XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_pirq, &bp), eperm);
        }
    }
    hostile::pass();
}
