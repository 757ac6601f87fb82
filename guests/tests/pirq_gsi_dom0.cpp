// dom0 maps GSIs to pirqs and binds them to event channels (PHYSDEVOP_map_pirq,
// PHYSDEVOP_setup_gsi, EVTCHNOP_bind_pirq) on QEMU's q35 machine. The hypervisor keeps
// the lines it uses itself: GSI 0 (the timer) cannot be mapped (-EPERM); GSI 2 (the
// cascade) and GSI 4 (COM1, its console) map but cannot be bound (-EBUSY), and COM1's is
// already set up (-EEXIST). An ordinary line (the RTC's GSI 8) maps to the pirq asked
// for, binds once (-EEXIST again), reports as a pirq port on vCPU 0, needs an EOI, and
// unmaps; a second map of a mapped GSI with pirq -1 returns the same pirq.
#include "evtchn_util.h"
#include "public/event_channel.h"
#include "public/physdev.h"
#include "runtime.h"

using namespace xen;

namespace {

long map_gsi(int gsi, int* pirq) {
    physdev_map_pirq m{};
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = gsi;
    m.pirq = *pirq;
    long rc = xt::physdev_op(PHYSDEVOP_map_pirq, &m);
    *pirq = m.pirq;
    return rc;
}

long setup_gsi(int gsi) {
    physdev_setup_gsi s{gsi, 0, 0};
    return xt::physdev_op(PHYSDEVOP_setup_gsi, &s);
}

long bind_pirq(uint32_t pirq, unsigned* port) {
    evtchn_bind_pirq b{pirq, 0, 0};
    long rc = xt::event_channel_op(EVTCHNOP_bind_pirq, &b);
    *port = b.port;
    return rc;
}

} // namespace

void test_main() {
    unsigned port = 0;
    int pirq = 0;
    XT_CHECK_RC(map_gsi(0, &pirq), -XEN_EPERM);

    pirq = 2;
    XT_CHECK_RC(map_gsi(2, &pirq), 0);
    XT_CHECK_EQ(pirq, 2);
    XT_CHECK_RC(bind_pirq(2, &port), -XEN_EBUSY);

    pirq = 4;
    XT_CHECK_RC(map_gsi(4, &pirq), 0);
    XT_CHECK_RC(setup_gsi(4), -XEN_EEXIST);
    XT_CHECK_RC(bind_pirq(4, &port), -XEN_EBUSY);

    pirq = 8;
    XT_CHECK_RC(map_gsi(8, &pirq), 0);
    XT_CHECK_EQ(pirq, 8);
    XT_CHECK_RC(setup_gsi(8), 0);
    pirq = -1;
    XT_CHECK_RC(map_gsi(8, &pirq), 0);
    XT_CHECK_EQ(pirq, 8);
    XT_CHECK_RC(bind_pirq(8, &port), 0);
    unsigned again = 0;
    XT_CHECK_RC(bind_pirq(8, &again), -XEN_EEXIST);

    evtchn_status st{};
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_pirq);
    XT_CHECK_EQ(st.vcpu, 0u);
    XT_CHECK_EQ(st.u.pirq, 8u);

    physdev_irq_status_query q{8, 0};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_irq_status_query, &q), 0);
    XT_CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi);
    physdev_eoi e{8};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), 0);

    XT_CHECK_RC(ev::close(port), 0);
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_closed);
    physdev_unmap_pirq um{DOMID_SELF, 8};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_unmap_pirq, &um), 0);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_unmap_pirq, &um), -XEN_EINVAL);
    xt::report_success();
}
