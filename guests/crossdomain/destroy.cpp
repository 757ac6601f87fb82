// dom0 destroys a domU (XEN_DOMCTL_destroydomain) while it holds a host mapping and a
// device mapping of the domU's granted page and an event channel to it. Afterwards dom0
// and the hypervisor go on: the mapped frame stays readable and writable through dom0's
// mapping (it is not handed to anyone else) until dom0 unmaps it, and unmapping both
// works; dom0's end of the channel is unbound (naming the dead peer) and a send on it is
// dropped; mapping its grants again is refused; a timer still fires.
// As on Xen, the destroyed domain stays listed while dom0 maps its grant: getdomaininfo
// shows it dying (XEN_DOMINF_dying, 1 page: the mapped one, still the dead domain's and
// counted as Xen counts it), destroying it again answers 0, its port's
// status is closed. Once dom0 unmaps, it is gone (-ESRCH) and the hypervisor's free memory
// has grown by the pages it held.
#include "crossdomain.h"
#include "free_memory.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static volatile uint8_t page[4096];
alignas(4096) static volatile uint8_t win[4096];

void peer_main() {
    using namespace xen;
    grant_entry_v1* gt = gnt::map_table(table_window);
    for (unsigned i = 0; i < 4096; i++)
        page[i] = static_cast<uint8_t>(i ^ 0x5a);
    gnt::grant(gt, xd::REF_RW, xd::kDom0, xt::mfn_of(page));
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);
    xd::wait_events(port, 1); // dom0 has mapped the page
    XT_CHECK_EQ(gnt::flags(gt, xd::REF_RW), GTF_permit_access | GTF_reading | GTF_writing);
    XT_CHECK_EQ(page[1], 0x11);
    xd::peer_success(port); // dom0 destroys this domain next
}

void dom0_main() {
    using namespace xen;
    const domid_t peer = xd::find_peer();
    const unsigned remote = xd::wait_peer_port(peer);
    const unsigned port = xd::connect(peer, remote);
    const uint64_t win_pte = gnt::pte(win);

    gnttab_map_grant_ref m{
        reinterpret_cast<uint64_t>(win), GNTMAP_host_map, xd::REF_RW, peer, 99, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, &m), 0);
    XT_CHECK_EQ(m.status, GNTST_okay);
    gnt::invlpg(win);
    gnttab_map_grant_ref d{0, GNTMAP_device_map, xd::REF_RW, peer, 99, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, &d), 0);
    XT_CHECK_EQ(d.status, GNTST_okay);
    XT_CHECK_EQ(win[2], 2 ^ 0x5a);
    win[1] = 0x11;
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 2); // the peer's verdict is out

    static xen_domctl dc;
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc), 0);
    const uint64_t peer_pages = dc.u.getdomaininfo.tot_pages;
    const uint64_t free_before = xt::free_pages();
    XT_CHECK(!(dc.u.getdomaininfo.flags & XEN_DOMINF_dying));
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_destroydomain, peer, &dc), 0);
    xt::printf("dom0: d%u destroyed\n", peer);
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc), 0);
    xt::printf("dom0: dying d%u: flags %#x, %lu pages\n", peer, dc.u.getdomaininfo.flags,
               dc.u.getdomaininfo.tot_pages);
    XT_CHECK_EQ(dc.u.getdomaininfo.domain, peer);
    XT_CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_dying);
    XT_CHECK(!(dc.u.getdomaininfo.flags & XEN_DOMINF_running));
    XT_CHECK_EQ(dc.u.getdomaininfo.tot_pages, 1u);
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_destroydomain, peer, &dc), 0);

    // The frame is still dom0's to use through the mapping.
    XT_CHECK_EQ(win[3], 3 ^ 0x5a);
    win[4] = 0x44;
    XT_CHECK_EQ(win[4], 0x44);

    evtchn_status st;
    XT_CHECK_RC(ev::status(port, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_EQ(st.u.unbound.dom, peer);
    XT_CHECK_RC(ev::send(port), 0);
    XT_CHECK_RC(ev::status(remote, &st, peer), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_closed);

    gnttab_map_grant_ref again{0, GNTMAP_device_map, xd::REF_RW, peer, 99, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, &again), 0);
    XT_CHECK(again.status != GNTST_okay);

    gnttab_unmap_grant_ref u[2] = {{reinterpret_cast<uint64_t>(win), 0, m.handle, 99},
                                   {0, d.dev_bus_addr, d.handle, 99}};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_grant_ref, u, 2), 0);
    XT_CHECK_EQ(u[0].status, GNTST_okay);
    XT_CHECK_EQ(u[1].status, GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win), 0);
    // Its last reference is gone with the mappings.
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc), -XEN_ESRCH);
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_destroydomain, peer, &dc), -XEN_ESRCH);
    XT_CHECK_RC(ev::status(remote, &st, peer), -XEN_ESRCH);
    XT_CHECK_RC(ev::close(port), 0);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(win), win_pte, UVMF_INVLPG), 0);

    uint64_t slept = xt::sleep_ns(10000000);
    XT_CHECK(slept >= 10000000);
    const uint64_t free_after = xt::free_pages();
    xt::printf("dom0: free pages %lu before, %lu after; d%u held %lu\n", free_before, free_after,
               peer, peer_pages);
    XT_CHECK(free_after >= free_before + peer_pages);
    xt::report_success();
}
