// An interdomain channel across FIFO event channels: the peer runs the FIFO ABI from the
// start, dom0 the 2-level one for the first 50 round trips, then switches to FIFO with the
// channel bound (its port carries over and works once unmasked in its event word) for 50
// more, at priority 2. Each side's runtime consumes its own ABI's upcalls; every event
// arrives once. EVTCHNOP_status of both ends is the same under either ABI.
#include "crossdomain.h"
#include "fifo.h"

static constexpr unsigned kRounds = 100, kSwitch = 50;

void peer_main() {
    using namespace xen;
    XT_CHECK_RC(xt::fifo::init(), 0);
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);
    for (unsigned i = 1; i < kRounds; i++) {
        xd::wait_events(port, i);
        XT_CHECK_RC(ev::send(port), 0);
    }
    xd::wait_events(port, kRounds);
    XT_CHECK_EQ(xt::event_count[port], kRounds);
    XT_CHECK_EQ(xt::fifo::load(port) & (xt::fifo::PENDING | xt::fifo::LINKED), 0u);
    evtchn_status st;
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    XT_CHECK_EQ(st.u.interdomain.dom, xd::kDom0);
    xd::peer_success(port);
}

void dom0_main() {
    using namespace xen;
    const domid_t peer = xd::find_peer();
    const unsigned remote = xd::wait_peer_port(peer);
    const unsigned port = xd::connect(peer, remote);
    for (unsigned i = 1; i <= kRounds; i++) {
        if (i == kSwitch + 1) {
            XT_CHECK_RC(xt::fifo::init(), 0);
            XT_CHECK_EQ(xt::fifo::load(port), xt::fifo::MASKED);
            XT_CHECK_RC(xt::fifo::set_priority(port, 2), 0);
            xt::fifo::unmask(port);
            evtchn_status st;
            XT_CHECK_RC(ev::status(port, &st), 0);
            XT_CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
            XT_CHECK_EQ(st.u.interdomain.port, remote);
        }
        XT_CHECK_RC(ev::send(port), 0);
        xd::wait_events(port, 1 + i); // the last answer comes after the peer's verdict
    }
    XT_CHECK_EQ(xt::event_count[port], 1 + kRounds);
    XT_CHECK_EQ(xt::fifo::control_block(0)->ready, 0u);
    xt::report_success();
}
