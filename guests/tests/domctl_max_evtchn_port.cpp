// A domain's event-channel port limit, as Xen 4.17 keeps it: XEN_DOMCTL_createdomain's
// max_evtchn_port is the highest port the domain may have (Xen 4.17 has no
// XEN_DOMCTL_set_max_evtchn any more: domctl 70 is -ENOSYS). dom0 allocating ports in a
// new domain (EVTCHNOP_alloc_unbound) gets ports 1 to the limit, then -ENOSPC: with limit
// 3, 64 (the first bucket's end crossed) and 0 (no port but the reserved one). dom0's own
// limit is unbounded: under 2-level it gets ports up to 4095 and then -ENOSPC, and once
// switched to FIFO port 4096 and beyond.
// conformance: timeout=180
#include "evtchn_util.h"
#include "fifo.h"
#include "public/domctl.h"
#include "toolstack_util.h"

namespace {

using namespace xen;

domid_t create(uint32_t max_port) {
    xen_domctl& d = ts::domctl_init(XEN_DOMCTL_createdomain, 0);
    d.u.createdomain.max_vcpus = 1;
    d.u.createdomain.max_evtchn_port = max_port;
    d.u.createdomain.max_grant_frames = 1;
    d.u.createdomain.max_maptrack_frames = 1;
    d.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    XT_CHECK_RC(ts::domctl(), 0);
    return ts::dc.domain;
}

void destroy(domid_t dom) {
    ts::domctl_init(XEN_DOMCTL_destroydomain, dom);
    XT_CHECK_RC(ts::domctl(), 0);
}

long alloc_in(domid_t dom, unsigned* port) {
    evtchn_alloc_unbound a{dom, 0, 0};
    long rc = xt::event_channel_op(EVTCHNOP_alloc_unbound, &a);
    *port = a.port;
    return rc;
}

// Ports 1..max_port in dom, then -ENOSPC.
void check_limit(domid_t dom, uint32_t max_port) {
    unsigned port;
    for (uint32_t want = 1; want <= max_port; want++) {
        XT_CHECK_RC(alloc_in(dom, &port), 0);
        XT_CHECK_EQ(port, want);
    }
    XT_CHECK_RC(alloc_in(dom, &port), -XEN_ENOSPC);
    XT_CHECK_RC(alloc_in(dom, &port), -XEN_ENOSPC);
}

} // namespace

void test_main() {
    ts::domctl_init(70, 0); // the old XEN_DOMCTL_set_max_evtchn
    ts::dc.u.pad[0] = 3;
    XT_CHECK_RC(ts::domctl(), -XEN_ENOSYS);

    for (uint32_t limit : {3u, 64u, 0u}) {
        domid_t d = create(limit);
        check_limit(d, limit);
        if (limit) { // dom0 binds to the domain's last port
            unsigned local;
            XT_CHECK_RC(ev::bind_interdomain(d, limit, &local), 0);
            XT_CHECK_RC(ev::close(local), 0);
        }
        destroy(d);
    }

    // dom0: the 2-level ABI's 4096 ports, then FIFO's.
    unsigned port;
    for (unsigned want = 1; want < EVTCHN_2L_NR_CHANNELS; want++) {
        XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &port), 0);
        XT_CHECK_EQ(port, want);
    }
    XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &port), -XEN_ENOSPC);
    XT_CHECK_RC(xt::fifo::init(), 0);
    for (unsigned want = EVTCHN_2L_NR_CHANNELS; want < EVTCHN_2L_NR_CHANNELS + 70; want++) {
        XT_CHECK_RC(ev::alloc_unbound(DOMID_SELF, &port), 0);
        XT_CHECK_EQ(port, want);
    }
    XT_CHECK_RC(xt::fifo::reset(), 0);
    xt::report_success();
}
