// What the two guests of a cross-domain test (guests/crossdomain/<name>.cpp, booted by
// tests/crossdomain/run-crossdomain as dom0 and as the domU d1) agree on. One ELF plays
// both parts: dom0_main() when start_info says it is the initial domain, peer_main()
// otherwise.
//
// There is no XenStore: the convention is fixed numbers and the event-channel state.
//   - The peer fills its grant entries first (REF_RW, REF_RO, REF_COPY, each granted to
//     domain 0), then allocates one port unbound for domain 0: that port is its "ready".
//   - dom0 finds the peer with XEN_DOMCTL_getdomaininfo (the first domain after itself),
//     then looks for that port with EVTCHNOP_status (dom0 may ask about any domain) and
//     binds to it. From then on each side counts the events it receives (upcalls), and
//     the test's steps alternate over the channel.
//   - Each side prints its own "Test result:" line; the peer's comes out as "(d1) ...".
//     The peer prints its verdict before its last event to dom0 and then waits for good,
//     since dom0's verdict ends the machine (xenon powers off when dom0 shuts down).
#pragma once
#include "../tests/evtchn_util.h"
#include "grant_util.h"
#include "public/domctl.h"
#include "public/sched.h"

void dom0_main();
void peer_main();

namespace xd {

inline constexpr xen::domid_t kDom0 = 0;
inline constexpr uint32_t REF_RW = 8, REF_RO = 9, REF_COPY = 10;

inline bool is_dom0() {
    return xt::start_info->flags & xen::SIF_INITDOMAIN;
}

inline long domctl(uint32_t cmd, xen::domid_t dom, xen::xen_domctl* dc) {
    memset(dc, 0, sizeof *dc);
    dc->cmd = cmd;
    dc->interface_version = xen::XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = dom;
    return xt::hypercall(xen::HYPERVISOR_domctl, xt::arg(dc));
}

// dom0: the peer's id, the first domain above 0 that getdomaininfo reports.
inline xen::domid_t find_peer() {
    static xen::xen_domctl dc;
    for (xen::domid_t id = 1; id < 64; id++)
        if (domctl(xen::XEN_DOMCTL_getdomaininfo, id, &dc) == 0)
            return dc.u.getdomaininfo.domain;
    xt::report_error("no peer domain found");
}

// dom0: the peer's port unbound for domain 0, once it has one (its "ready").
inline unsigned wait_peer_port(xen::domid_t peer) {
    for (unsigned tries = 0; tries < 1000000; tries++) {
        for (unsigned port = 1; port < 64; port++) {
            xen::evtchn_status st;
            if (ev::status(port, &st, peer) == 0 && st.status == xen::EVTCHNSTAT_unbound &&
                st.u.unbound.dom == kDom0)
                return port;
        }
        xt::sched_op(xen::SCHEDOP_yield);
    }
    xt::report_error("the peer never offered a port");
}

// Events on, one port unmasked.
inline void listen(unsigned port) {
    xt::unmask_port(port);
    xt::unmask_events();
}

// Blocks until `n` events have arrived on `port` (SCHEDOP_block turns events on).
inline void wait_events(unsigned port, unsigned n) {
    while (xt::event_count[port] < n)
        xt::sched_op(xen::SCHEDOP_block);
}

// dom0: binds to the peer's port and listens; the bind itself marks the new port pending
// once (events sent before the bind are not lost), so one event is counted at once.
inline unsigned connect(xen::domid_t peer, unsigned remote_port) {
    unsigned port;
    if (long rc = ev::bind_interdomain(peer, remote_port, &port))
        xt::report_failure("bind_interdomain to d%u port %u: %ld", peer, remote_port, rc);
    listen(port);
    XT_CHECK_EQ(xt::event_count[port], 1);
    return port;
}

// peer: the verdict, then the last event to dom0, then nothing more.
[[noreturn]] inline void peer_success(unsigned port) {
    xt::printf("Test result: SUCCESS\n");
    ev::send(port);
    for (;;)
        xt::sched_op(xen::SCHEDOP_block);
}

} // namespace xd

void test_main() {
    if (xd::is_dom0())
        dom0_main();
    else
        peer_main();
}
