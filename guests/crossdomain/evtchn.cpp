// An interdomain event channel between dom0 and a domU, both ways: dom0 binds to the
// peer's unbound port; each side then sees the other's sends as upcalls, 100 round trips.
// EVTCHNOP_status on each end names the other domain and port (dom0 also asks about the
// peer's end). When dom0 closes its end, the peer's end is unbound for dom0 again and a
// send on the closed port is -EINVAL.
#include "crossdomain.h"

static constexpr unsigned kRounds = 100;

void peer_main() {
    using namespace xen;
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);
    // Rounds 1..N-1 answered here; the answer to the last one is the verdict's event
    // (two sends in a row could merge into one pending bit).
    for (unsigned i = 1; i < kRounds; i++) {
        xd::wait_events(port, i);
        XT_CHECK_RC(ev::send(port), 0);
    }
    xd::wait_events(port, kRounds);
    evtchn_status st;
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.u.interdomain.dom, xd::kDom0);
    xt::printf("peer: port %u is bound to d0 port %u\n", port, st.u.interdomain.port);
    XT_CHECK_EQ(xt::event_count[port], kRounds);
    xd::peer_success(port);
}

void dom0_main() {
    using namespace xen;
    const domid_t peer = xd::find_peer();
    const unsigned remote = xd::wait_peer_port(peer);
    xt::printf("dom0: peer d%u offers port %u\n", peer, remote);
    const unsigned port = xd::connect(peer, remote);

    evtchn_status st;
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.u.interdomain.dom, peer);
    XT_CHECK_EQ(st.u.interdomain.port, remote);
    XT_CHECK_RC(ev::status(remote, &st, peer), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.u.interdomain.dom, xd::kDom0);
    XT_CHECK_EQ(st.u.interdomain.port, port);

    for (unsigned i = 1; i <= kRounds; i++) {
        XT_CHECK_RC(ev::send(port), 0);
        xd::wait_events(port, 1 + i); // the last answer comes after the peer's verdict
    }

    XT_CHECK_RC(ev::close(port), 0);
    XT_CHECK_RC(ev::status(remote, &st, peer), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.u.unbound.dom, xd::kDom0);
    XT_CHECK_RC(ev::send(port), -XEN_EINVAL);
    xt::report_success();
}
